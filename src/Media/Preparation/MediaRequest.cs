using CodeChat.WhatsApp.Crypto;

namespace CodeChat.Media.Preparation;

/// <summary>
/// What a send asks of its media: the kind (<see cref="MediaType.Image"/>, <see cref="MediaType.Video"/>,
/// <see cref="MediaType.Audio"/> as a file, <see cref="MediaType.Ptt"/> as a voice note,
/// <see cref="MediaType.Document"/>, <see cref="MediaType.Sticker"/>), caption, file name, and for
/// voice notes whether to convert even OGG/Opus input. <see cref="Field"/> is the request property
/// errors about the media name; <see cref="FileNameField"/> the one that carries the file name.
/// </summary>
public sealed record MediaRequest(MediaType Kind, string Field)
{
    public string? Caption { get; init; }
    public string? FileName { get; init; }
    public string FileNameField { get; init; } = "fileName";
    public bool ConvertAudio { get; init; }
}
