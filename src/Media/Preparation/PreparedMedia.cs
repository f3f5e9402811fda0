using CodeChat.WhatsApp.Media;

namespace CodeChat.Media.Preparation;

/// <summary>
/// A file ready to encrypt and upload, and what its message will say about it. Disposing it deletes
/// any file the preparation made (a converted voice note, a WebP sticker); the source stays the caller's.
/// </summary>
public sealed class PreparedMedia(Stream content, MediaMessageDetails details, FileStream? owned) : IAsyncDisposable
{
    /// <summary>The bytes to upload, positioned at their start.</summary>
    public Stream Content { get; } = content;

    public MediaMessageDetails Details { get; } = details;

    public async ValueTask DisposeAsync()
    {
        if (owned is not null)
            await owned.DisposeAsync().ConfigureAwait(false);
    }
}
