namespace CodeChat.Grains.Abstractions.Groups;

/// <summary>How a group call ended; everything but <see cref="Done"/> carries no value.</summary>
public enum GroupOutcome
{
    Done,
    InstanceNotFound,
    NotConnected,
    /// <summary>WhatsApp knows no such group (404).</summary>
    GroupNotFound,
    /// <summary>The instance's account is not a participant of the group (WhatsApp 403).</summary>
    NotParticipant,
    /// <summary>Only admins may do this (WhatsApp 401).</summary>
    NotAdmin,
    /// <summary>The invite code is malformed or unknown (WhatsApp 406).</summary>
    InvalidInviteCode,
    /// <summary>The invite code was revoked (WhatsApp 410).</summary>
    InviteCodeRevoked,
    /// <summary>The change crossed another one (WhatsApp 409, e.g. a stale description).</summary>
    Conflict,
    /// <summary>WhatsApp refused with another code (<see cref="GroupResult{T}.ServerCode"/>).</summary>
    Refused,
}

/// <summary>The outcome of a group call, the value when <see cref="GroupOutcome.Done"/>, else WhatsApp's code and text.</summary>
[GenerateSerializer]
[Alias("CodeChat.GroupResult`1")]
[Immutable]
public sealed record GroupResult<T>(
    [property: Id(0)] GroupOutcome Outcome,
    [property: Id(1)] T? Value = default,
    [property: Id(2)] int ServerCode = 0,
    [property: Id(3)] string? Detail = null)
{
    public static GroupResult<T> Of(T value) => new(GroupOutcome.Done, value);
}
