namespace CodeChat.Grains.Abstractions.Contacts;

/// <summary>
/// The <c>/chat</c> routes of one instance about other accounts (same grain, same key as
/// <c>IInstanceGrain</c>): profile pictures, calls, Signal sessions and the blocklist.
/// </summary>
[Alias("CodeChat.IInstanceContactGrain")]
public interface IInstanceContactGrain : IGrainWithStringKey
{
    /// <summary>
    /// The profile picture URL of <paramref name="number"/> (a number, JID or group) on WhatsApp's media
    /// host; <see cref="ContactActionResult.Url"/> is null when there is none or its owner hides it
    /// (<see cref="ContactActionResult.Detail"/> says which).
    /// </summary>
    [Alias("FetchProfilePicture")]
    Task<ContactActionResult> FetchProfilePictureAsync(string number, CancellationToken cancellationToken = default);

    /// <summary>Refuses the incoming call <paramref name="callId"/> placed by <paramref name="callFrom"/> (a JID or number).</summary>
    [Alias("RejectCall")]
    Task<ContactActionResult> RejectCallAsync(string callId, string callFrom, CancellationToken cancellationToken = default);

    /// <summary>
    /// Makes sure the instance holds a Signal session with every device of each number, as a send would
    /// (device lists, then prekey bundles for the devices without one). Numbers not on WhatsApp are refused
    /// before anything is asked.
    /// </summary>
    [Alias("AssertSessions")]
    Task<ContactActionResult> AssertSessionsAsync(IReadOnlyList<string> numbers, CancellationToken cancellationToken = default);

    /// <summary>Blocks or unblocks <paramref name="number"/> (a number, phone JID or LID).</summary>
    [Alias("UpdateBlockStatus")]
    Task<ContactActionResult> UpdateBlockStatusAsync(string number, bool block, CancellationToken cancellationToken = default);

    /// <summary>The JIDs the account blocks (<see cref="ContactActionResult.Jids"/>).</summary>
    [Alias("FetchBlocklist")]
    Task<ContactActionResult> FetchBlocklistAsync(CancellationToken cancellationToken = default);
}

/// <summary>What became of a contact action.</summary>
[GenerateSerializer]
[Alias("CodeChat.ContactActionOutcome")]
public enum ContactActionOutcome
{
    Succeeded = 0,
    InstanceNotFound = 1,
    NotConnected = 2,
    /// <summary>A number is not on WhatsApp, a group not found, or the input is no JID: <see cref="ContactActionResult.Jids"/> / <see cref="ContactActionResult.Detail"/> say which.</summary>
    UnknownRecipient = 3,
    /// <summary>WhatsApp refused or did not answer: <see cref="ContactActionResult.Detail"/> says why.</summary>
    Failed = 4,
}

/// <summary>
/// The answer of a contact action: the JID acted on, the picture URL (or null), the JIDs listed or refused,
/// and a reason where there is one.
/// </summary>
[GenerateSerializer, Immutable]
[Alias("CodeChat.ContactActionResult")]
public sealed record ContactActionResult(
    [property: Id(0)] ContactActionOutcome Outcome,
    [property: Id(1)] string? Jid = null,
    [property: Id(2)] string? Url = null,
    [property: Id(3)] IReadOnlyList<string>? Jids = null,
    [property: Id(4)] string? Detail = null);
