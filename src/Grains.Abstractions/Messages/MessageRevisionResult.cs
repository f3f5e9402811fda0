namespace CodeChat.Grains.Abstractions.Messages;

/// <summary>
/// How a revoke or edit we asked for ended: the stored message afterwards and when it changed, or why
/// nothing was sent.
/// </summary>
[GenerateSerializer, Immutable]
[Alias("CodeChat.MessageRevisionResult")]
public sealed record MessageRevisionResult(
    [property: Id(0)] MessageRevisionOutcome Outcome,
    [property: Id(1)] SentMessageRecord? Message = null,
    [property: Id(2)] DateTimeOffset? At = null,
    [property: Id(3)] string? Error = null)
{
    public static MessageRevisionResult Of(MessageRevisionOutcome outcome, string? error = null) => new(outcome, Error: error);
}

[GenerateSerializer]
[Alias("CodeChat.MessageRevisionOutcome")]
public enum MessageRevisionOutcome
{
    /// <summary>WhatsApp's server acked the revoke or edit; the stored message is changed.</summary>
    Revised = 0,
    InstanceNotFound = 1,
    MessageNotFound = 2,
    /// <summary>The instance's WhatsApp connection is not open; nothing was sent.</summary>
    NotConnected = 3,
    /// <summary>WhatsApp does not allow this change of that message; <see cref="MessageRevisionResult.Error"/> says why.</summary>
    NotAllowed = 4,
    /// <summary>Sending the revoke or edit failed; <see cref="MessageRevisionResult.Error"/> says why. The stored message is unchanged.</summary>
    Failed = 5,
}
