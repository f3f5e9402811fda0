using CodeChat.WhatsApp.Binary;

namespace CodeChat.WhatsApp.Client;

/// <summary>
/// A message was decrypted, handed to <see cref="WaClientOptions.StoreIncomingMessageAsync"/> and
/// confirmed to the server (receipt and ack) — raised after all three.
/// </summary>
public sealed record MessageReceivedEvent(IncomingMessage Message) : WaEvent;

/// <summary>
/// An incoming message could not be decrypted or parsed. <paramref name="Reason"/> names the kind
/// of failure (never key material); <paramref name="RetryCount"/> is the count of the retry receipt
/// sent, or null when none was (limit reached, or the failure is not one a resend can repair).
/// <paramref name="Unparsable"/> is true when the message decrypted but was not a valid message.
/// </summary>
public sealed record MessageDecryptionFailedEvent(string Id, MessageSource Source, string Reason, int? RetryCount, bool Unparsable = false) : WaEvent
{
    /// <summary>True when nothing more will be tried: no retry receipt went out for this failure.</summary>
    public bool IsFinal => RetryCount is null;
}

/// <summary>
/// A receipt for messages we sent (delivered, read, played…, whatsapp-protocol.md §7.2).
/// <paramref name="Type"/> is the receipt type attribute (empty for delivered).
/// </summary>
public sealed record ReceiptReceivedEvent(Jid From, Jid? Participant, IReadOnlyList<string> MessageIds, string Type, DateTimeOffset? Timestamp) : WaEvent;
