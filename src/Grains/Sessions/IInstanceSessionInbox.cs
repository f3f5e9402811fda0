namespace CodeChat.Grains.Sessions;

/// <summary>
/// How an instance's background session pump hands events to the instance grain, so the grain's
/// state changes only on its own turns. <paramref name="epoch"/> names the session the signal came
/// from; signals of an older session are dropped.
/// </summary>
[Alias("CodeChat.IInstanceSessionInbox")]
internal interface IInstanceSessionInbox : IGrainWithStringKey
{
    [Alias("Deliver")]
    Task DeliverAsync(long epoch, SessionSignal signal);

    /// <summary>
    /// Asked before the session's client reconnects by itself: true while session
    /// <paramref name="epoch"/> still owns the instance (proven by a fenced state write), false when
    /// another activation took over, so the client stops instead of replacing the live connection.
    /// </summary>
    [Alias("ConfirmOwnership")]
    Task<bool> ConfirmSessionOwnershipAsync(long epoch);

    /// <summary>
    /// The durable hook of session <paramref name="epoch"/>'s client: completes once the message is
    /// where it must be before WhatsApp gets the delivery receipt; throws when that session no longer
    /// owns the instance, so a stale client never confirms a message (the server redelivers it to
    /// the owner).
    /// </summary>
    [Alias("AcceptMessage")]
    Task AcceptIncomingMessageAsync(long epoch, ReceivedMessage message);

    /// <summary>
    /// A delivery, read or played receipt of session <paramref name="epoch"/> for messages we sent:
    /// their status moves forward with its <c>messages.update</c> (per member in a group).
    /// </summary>
    [Alias("AcceptReceipt")]
    Task AcceptReceiptAsync(long epoch, SentMessageReceipt receipt);

    /// <summary>
    /// The durable report hook of session <paramref name="epoch"/>'s client: completes once the
    /// <c>general.error</c> for a message the client gave up on is recorded, before the stanza is acked.
    /// </summary>
    [Alias("ReportUnprocessable")]
    Task ReportUnprocessableMessageAsync(long epoch, UnprocessableMessage message);

    /// <summary>
    /// The durable group-notification hook of session <paramref name="epoch"/>'s client: completes once the
    /// events of one group notification are in the outbox, before the notification is acked.
    /// </summary>
    [Alias("AcceptGroupEvents")]
    Task AcceptGroupEventsAsync(long epoch, IReadOnlyList<Groups.GroupEventData> groupEvents);

    /// <summary>
    /// The durable call hook of session <paramref name="epoch"/>'s client: completes once the call step's
    /// <c>call.upsert</c> is in the outbox, before the <c>&lt;call&gt;</c> stanza is acked.
    /// </summary>
    [Alias("AcceptCall")]
    Task AcceptCallAsync(long epoch, Contacts.CallEventData call);
}
