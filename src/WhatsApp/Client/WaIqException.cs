namespace CodeChat.WhatsApp.Client;

/// <summary>The server answered an iq with <c>type="error"</c> (whatsapp-protocol.md §5.10).</summary>
public sealed class WaIqException : WaClientException
{
    public WaIqException(int code, string? text)
        : base($"The server rejected the iq: {code} {text}.")
    {
        Code = code;
        Text = text;
    }

    /// <summary>400 bad-request, 401 not-authorized, 404 item-not-found, 429 rate-overlimit, 500…</summary>
    public int Code { get; }

    public string? Text { get; }
}
