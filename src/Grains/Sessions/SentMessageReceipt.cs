using CodeChat.WhatsApp.Client;

namespace CodeChat.Grains.Sessions;

/// <summary>
/// A receipt for messages we sent (<see cref="ReceiptReceivedEvent"/>) in a form Orleans can carry
/// into a grain turn: who sent it (the chat, and the member in a group), the message ids and the
/// status it reports. Only delivery, read and played receipts become one.
/// </summary>
[GenerateSerializer]
[Alias("CodeChat.SentMessageReceipt")]
[Immutable]
public sealed record SentMessageReceipt(
    [property: Id(0)] string From,
    [property: Id(1)] string? Participant,
    [property: Id(2)] IReadOnlyList<string> MessageIds,
    [property: Id(3)] Abstractions.Messages.MessageStatus Status,
    [property: Id(4)] DateTimeOffset? Timestamp)
{
    /// <summary>
    /// The receipt for our messages, or null for receipts that say nothing about them: our own devices'
    /// (<c>read-self</c>, <c>played-self</c>, <c>sender</c>), history and server receipts
    /// (receipt types as whatsmeow's types.ReceiptType and Baileys' messages-recv list them).
    /// </summary>
    public static SentMessageReceipt? Of(ReceiptReceivedEvent receipt)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        Abstractions.Messages.MessageStatus? status = receipt.Type switch
        {
            // "inactive" is the delivery receipt of a client that is not in the foreground (Baileys sends it
            // until it marks itself online; whatsmeow's ReceiptTypeInactive): delivered all the same.
            "" or "delivery" or "inactive" => Abstractions.Messages.MessageStatus.DeliveryAck,
            "read" => Abstractions.Messages.MessageStatus.Read,
            "played" => Abstractions.Messages.MessageStatus.Played,
            _ => null,
        };
        if (status is not { } reported)
            return null;
        return new SentMessageReceipt(
            receipt.From.ToNonAd().ToString(),
            receipt.Participant?.ToNonAd().ToString(),
            receipt.MessageIds,
            reported,
            receipt.Timestamp);
    }
}
