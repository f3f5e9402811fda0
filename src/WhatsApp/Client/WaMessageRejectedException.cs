namespace CodeChat.WhatsApp.Client;

/// <summary>
/// The server answered a sent message with an error ack (<c>&lt;ack class="message" error="…"&gt;</c>;
/// e.g. 463 missing privacy token, 479 stale device or session data — whatsapp-protocol.md §6.10 step 9).
/// </summary>
public sealed class WaMessageRejectedException : WaClientException
{
    public WaMessageRejectedException(string messageId, int code)
        : base($"The server rejected message {messageId} with error {code}.")
    {
        MessageId = messageId;
        Code = code;
    }

    public string MessageId { get; }

    public int Code { get; }
}
