namespace CodeChat.Media.Sources;

/// <summary>The caller's media input is unusable; the API answers 400 naming <see cref="Field"/>.</summary>
public class MediaInputException(string field, string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The request property at fault, e.g. <c>mediaMessage.media</c>.</summary>
    public string Field { get; } = field;
}
