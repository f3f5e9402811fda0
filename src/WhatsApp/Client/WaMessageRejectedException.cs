namespace CodeChat.WhatsApp.Client;

/// <summary>
/// The server answered a sent message with an error ack (<c>&lt;ack class="message" error="…"&gt;</c>;
/// e.g. 463 missing privacy token, 479 stale device or session data — whatsapp-protocol.md §6.10 step 9).
/// </summary>
public sealed class WaMessageRejectedException : WaClientException
{
    /// <summary>WhatsApp's "reach-out" refusal: a first message to a contact who has not issued us a privacy token (§6.13).</summary>
    public const int PrivacyTokenRequired = 463;

    public WaMessageRejectedException(string messageId, int code)
        : base(code == PrivacyTokenRequired
            ? $"WhatsApp refused message {messageId} with error 463: this contact has not issued this number a privacy token, which WhatsApp requires for a first message to a stranger. It is issued when the contact messages this number; the send may be tried again after that."
            : $"The server rejected message {messageId} with error {code}.")
    {
        MessageId = messageId;
        Code = code;
    }

    public string MessageId { get; }

    public int Code { get; }
}
