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
}
