using Orleans.Concurrency;

namespace CodeChat.Grains.Abstractions.Messages;

/// <summary>
/// An instance's outbound messages, keyed by the instance name: the same grain as
/// <c>IInstanceGrain</c>, seen through what a client sends. Both methods run interleaved: they wait
/// on WhatsApp (number checks, the server's ack) and must never hold the turn an incoming message
/// needs to be stored (the receive path awaits the grain before its receipt).
/// </summary>
[Alias("CodeChat.IInstanceMessagingGrain")]
public interface IInstanceMessagingGrain : IGrainWithStringKey
{
    /// <summary>
    /// Checks the recipient, applies the options (quote, mentions, forced id), stores the message as
    /// PENDING and sends it: <see cref="SendOutcome.Sent"/> once WhatsApp's server acked it,
    /// <see cref="SendOutcome.Accepted"/> when the ack did not come within <c>Messaging:SendTimeout</c>
    /// (the send goes on, durably: a restart sends it on the next open session).
    /// </summary>
    [Alias("SendMessage")]
    [AlwaysInterleave]
    Task<SendMessageResult> SendMessageAsync(OutgoingMessageCommand command, CancellationToken cancellationToken = default);

    /// <summary>Which of <paramref name="numbers"/> are on WhatsApp (phone numbers, JIDs, group JIDs), through the instance's cached check.</summary>
    [Alias("CheckNumbers")]
    [AlwaysInterleave]
    Task<NumberCheckResult> CheckNumbersAsync(IReadOnlyList<string> numbers, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes the stored message <paramref name="storedId"/> for everyone: ours, or — in a group, as an
    /// admin — a member's. Once WhatsApp's server acked the revoke, the row is marked revoked with its
    /// <c>messages.update</c> REVOKE.
    /// </summary>
    [Alias("RevokeMessage")]
    [AlwaysInterleave]
    Task<MessageRevisionResult> RevokeMessageAsync(long storedId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces the text of a text message we sent (named by stored id or WhatsApp id). Once WhatsApp's
    /// server acked the edit, the row holds the new text (the old one kept as a revision) with its
    /// <c>messages.update</c> EDITED.
    /// </summary>
    [Alias("EditMessage")]
    [AlwaysInterleave]
    Task<MessageRevisionResult> EditMessageAsync(Chats.StoredMessageSelector target, string text, CancellationToken cancellationToken = default);

    /// <summary>
    /// Takes the instance's next slot for a mailing message (the outbound rate limit all send queues of
    /// the instance share) and says how long the caller waits for it before it sends.
    /// </summary>
    [Alias("ReserveMailingSend")]
    [AlwaysInterleave]
    Task<TimeSpan> ReserveMailingSendAsync(CancellationToken cancellationToken = default);
}
