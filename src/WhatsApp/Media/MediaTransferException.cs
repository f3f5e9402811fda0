namespace CodeChat.WhatsApp.Media;

/// <summary>An upload or download that failed on every media host, or media the server no longer has.</summary>
public class MediaTransferException(string message, int? statusCode = null, Exception? innerException = null)
    : Exception(message, innerException)
{
    /// <summary>The last HTTP status seen, when a host answered.</summary>
    public int? StatusCode { get; } = statusCode;

    /// <summary>403, 404 or 410 on download: the media expired and must be re-uploaded by its sender (§8.6).</summary>
    public bool MediaExpired => StatusCode is 403 or 404 or 410;
}
