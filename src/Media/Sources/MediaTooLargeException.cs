namespace CodeChat.Media.Sources;

/// <summary>The media is over the size limit for its kind; the API answers 413 naming the field.</summary>
public sealed class MediaTooLargeException(string field, long limitBytes)
    : MediaInputException(field, $"{field} is larger than the limit of {limitBytes} bytes")
{
    public long LimitBytes { get; } = limitBytes;
}
