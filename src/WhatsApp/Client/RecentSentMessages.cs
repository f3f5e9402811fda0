using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Proto;

namespace CodeChat.WhatsApp.Client;

/// <summary>
/// A message we sent, kept for retries: the chat as we addressed it and the message; for a status
/// post, the users it was posted to (only they may have it again).
/// </summary>
public sealed record SentMessage(Jid Chat, string Id, Message Message, IReadOnlyList<Jid>? Audience = null);

/// <summary>
/// The last messages we sent, by id, so a peer's retry receipt can be answered with a fresh
/// encryption (whatsapp-protocol.md §7.2; whatsmeow keeps the last 256 in memory the same way,
/// <c>recentMessagesSize</c>). Keyed by id alone because a retry receipt may name the chat in the
/// other addressing (PN vs LID); ids are random per message. Oldest entries are dropped first.
/// </summary>
public sealed class RecentSentMessages(int capacity = 256)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, SentMessage> _messages = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();

    public void Add(SentMessage sent)
    {
        ArgumentNullException.ThrowIfNull(sent);
        lock (_gate)
        {
            if (_messages.TryAdd(sent.Id, sent))
            {
                _order.Enqueue(sent.Id);
            }
            while (_order.Count > capacity)
            {
                _messages.Remove(_order.Dequeue());
            }
        }
    }

    public SentMessage? Find(string id)
    {
        lock (_gate)
        {
            return _messages.GetValueOrDefault(id);
        }
    }
}
