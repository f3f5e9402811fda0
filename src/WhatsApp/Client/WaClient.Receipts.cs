using CodeChat.WhatsApp.Binary;

namespace CodeChat.WhatsApp.Client;

// Concern: receipts we send on the user's behalf ("mark as read"), as opposed to the delivery receipts
// the receive path sends by itself (WaClient.Messages.cs).
public sealed partial class WaClient
{
    /// <summary>
    /// Marks messages others sent us as read at their senders: one receipt per chat and sender
    /// (<see cref="ReadReceiptNodes"/>). <paramref name="participant"/> is the sender in a group
    /// (device part dropped), null in a 1:1 chat — 1:1 chats are marked too (CodeChat 1.3 skipped them).
    /// </summary>
    public async Task SendReadReceiptAsync(Jid chat, Jid? participant, IReadOnlyList<string> messageIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messageIds);
        var node = ReadReceiptNodes.Read(chat.ToNonAd(), participant?.ToNonAd(), messageIds, _time.GetUtcNow());
        await SendNodeAsync(node, cancellationToken).ConfigureAwait(false);
    }
}
