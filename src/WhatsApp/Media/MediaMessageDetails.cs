using CodeChat.WhatsApp.Crypto;

namespace CodeChat.WhatsApp.Media;

/// <summary>
/// What a media message says about its file besides where it is and its keys: the kind (which
/// message and which HKDF info, <see cref="MediaType"/>), mimetype, caption, file name, dimensions,
/// duration, inline JPEG thumbnail and, for voice notes, the waveform.
/// </summary>
public sealed record MediaMessageDetails(MediaType Kind, string Mimetype)
{
    public string? Caption { get; init; }
    public string? FileName { get; init; }
    public int? Width { get; init; }
    public int? Height { get; init; }
    public int? Seconds { get; init; }
    public byte[]? JpegThumbnail { get; init; }
    public byte[]? Waveform { get; init; }
    public bool Animated { get; init; }
}
