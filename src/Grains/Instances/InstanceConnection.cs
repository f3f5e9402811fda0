using CodeChat.Grains.Abstractions.Instances;
using CodeChat.Grains.Sessions;

namespace CodeChat.Grains.Instances;

/// <summary>
/// The connection part of an instance's record: what the client wants (<see cref="Wanted"/>: open from
/// connect until logout or an end that must not be retried), what the WhatsApp session really is
/// (<see cref="Actual"/>), CodeChat's statusReason of that state and since when. Its methods are the
/// only moves a session makes; each returns the next value, or null when the move is illegal from the
/// current state (a signal that cannot happen in that state), so the caller logs it and changes nothing.
/// </summary>
public readonly record struct InstanceConnection(
    InstanceConnectionState Wanted,
    InstanceConnectionState Actual,
    int StatusReason,
    DateTimeOffset Since)
{
    /// <summary>A new instance: closed, not wanted, with CodeChat's "never loaded" reason.</summary>
    public static InstanceConnection Initial(DateTimeOffset now) =>
        new(InstanceConnectionState.Close, InstanceConnectionState.Close, ConnectionStatusReasons.NotLoaded, now);

    /// <summary>True while a session of this record is (or should be) running: connecting or open.</summary>
    public bool IsLive => Actual is InstanceConnectionState.Connecting or InstanceConnectionState.Open;

    /// <summary>
    /// A session starts (connect, or a resume). Legal from every state: a resume after a silo died finds
    /// the state that silo left behind, "open" or "connecting" included.
    /// </summary>
    public InstanceConnection Starting(DateTimeOffset now) =>
        new(InstanceConnectionState.Open, InstanceConnectionState.Connecting, ConnectionStatusReasons.Ok, now);

    /// <summary>Logged in. Only a live session logs in.</summary>
    public InstanceConnection? Opened(DateTimeOffset now) =>
        IsLive ? this with { Actual = InstanceConnectionState.Open, StatusReason = ConnectionStatusReasons.Ok, Since = now } : null;

    /// <summary>The connection dropped and the client dials again by itself: connecting, with why it dropped.</summary>
    public InstanceConnection? Reconnecting(int statusReason, DateTimeOffset now) =>
        IsLive ? this with { Actual = InstanceConnectionState.Connecting, StatusReason = statusReason, Since = now } : null;

    /// <summary>
    /// The session ended for good: <paramref name="endState"/> is "close", or "refused" for a QR run nobody
    /// scanned (only while connecting). Unless <paramref name="keepWanted"/> (a paired device the watchdog
    /// retries), the instance stops being wanted connected.
    /// </summary>
    public InstanceConnection? Ended(InstanceConnectionState endState, int statusReason, bool keepWanted, DateTimeOffset now)
    {
        var legal = endState switch
        {
            InstanceConnectionState.Close => IsLive,
            InstanceConnectionState.Refused => Actual == InstanceConnectionState.Connecting,
            _ => false,
        };
        if (!legal)
            return null;
        return new(keepWanted ? Wanted : InstanceConnectionState.Close, endState, statusReason, now);
    }

    /// <summary>
    /// A connect after a refusal: CodeChat reports the refusal once, then the state is "close" again (the
    /// reason and the time stay those of the refusal).
    /// </summary>
    public InstanceConnection? RefusalReported() =>
        Actual == InstanceConnectionState.Refused ? this with { Actual = InstanceConnectionState.Close } : null;

    /// <summary>Logged out (by the client, or the device removed): closed, not wanted, 401. Legal from every state.</summary>
    public InstanceConnection LoggedOut(DateTimeOffset now) =>
        new(InstanceConnectionState.Close, InstanceConnectionState.Close, ConnectionStatusReasons.LoggedOut, now);

    /// <summary>
    /// A QR run that a restart interrupted is not resumed (nobody is looking at it any more): closed, not
    /// wanted, 428. Only an instance wanted connected is resumed, so only one can be abandoned.
    /// </summary>
    public InstanceConnection? Abandoned(DateTimeOffset now) =>
        Wanted == InstanceConnectionState.Open
            ? new(InstanceConnectionState.Close, InstanceConnectionState.Close, ConnectionStatusReasons.ConnectionClosed, now)
            : null;
}
