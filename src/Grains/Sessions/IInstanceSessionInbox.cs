namespace CodeChat.Grains.Sessions;

/// <summary>
/// How an instance's background session pump hands events to the instance grain, so the grain's
/// state changes only on its own turns. <paramref name="epoch"/> names the session the signal came
/// from; signals of an older session are dropped.
/// </summary>
[Alias("CodeChat.IInstanceSessionInbox")]
public interface IInstanceSessionInbox : IGrainWithStringKey
{
    [Alias("Deliver")]
    Task DeliverAsync(long epoch, SessionSignal signal);
}
