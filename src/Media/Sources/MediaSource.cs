using CodeChat.WhatsApp.Media;

namespace CodeChat.Media.Sources;

/// <summary>
/// The bytes a send got from its caller, in a 0600 temporary file deleted on dispose, with what the
/// source said about them (content type, file name).
/// </summary>
public sealed class MediaSource : IAsyncDisposable
{
    internal MediaSource(FileStream content, string? contentType, string? fileName)
    {
        Content = content;
        ContentType = contentType;
        FileName = fileName;
    }

    /// <summary>The file, positioned at its start.</summary>
    public FileStream Content { get; }

    /// <summary>Its path, for tools that read by path (ffmpeg); valid until disposed.</summary>
    public string Path => Content.Name;

    public long Length => Content.Length;

    /// <summary>The media type the source declared (HTTP Content-Type, data: URL, multipart part), without parameters.</summary>
    public string? ContentType { get; }

    /// <summary>The name the source gave (multipart file name, last URL segment), if any.</summary>
    public string? FileName { get; }

    /// <summary>
    /// Copies <paramref name="content"/> into a new temporary file, refusing more than
    /// <paramref name="maxBytes"/> with a <see cref="MediaTooLargeException"/> naming <paramref name="field"/>.
    /// </summary>
    public static async Task<MediaSource> FromStreamAsync(Stream content, string? contentType, string? fileName, long maxBytes, string field, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var file = TemporaryMediaFile.Create();
        try
        {
            if (await BoundedCopy.CopyAsync(content, file, maxBytes, null, cancellationToken).ConfigureAwait(false) < 0)
                throw new MediaTooLargeException(field, maxBytes);
            return Wrap(file, contentType, fileName);
        }
        catch
        {
            await file.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    internal static MediaSource Wrap(FileStream file, string? contentType, string? fileName)
    {
        file.Flush();
        file.Position = 0;
        return new MediaSource(file, MediaTypes.WithoutParameters(contentType), string.IsNullOrWhiteSpace(fileName) ? null : fileName);
    }

    public ValueTask DisposeAsync() => Content.DisposeAsync();
}
