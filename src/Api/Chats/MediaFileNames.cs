using CodeChat.Grains.Abstractions.Chats;
using Microsoft.AspNetCore.StaticFiles;

namespace CodeChat.Api.Chats;

/// <summary>The file name a downloaded attachment is served under: its own (documents), else the message type with the mimetype's extension.</summary>
public static class MediaFileNames
{
    private static readonly FileExtensionContentTypeProvider Types = new();

    public static string For(MediaDownload media)
    {
        ArgumentNullException.ThrowIfNull(media);
        if (!string.IsNullOrWhiteSpace(media.FileName))
            return media.FileName;
        var mimetype = media.Mimetype?.Split(';')[0].Trim();
        var extension = mimetype is null ? null
            : Types.Mappings.Where(pair => string.Equals(pair.Value, mimetype, StringComparison.OrdinalIgnoreCase)).Select(pair => pair.Key).Order(StringComparer.Ordinal).FirstOrDefault();
        return (media.MessageType ?? "media") + (extension ?? ".bin");
    }
}
