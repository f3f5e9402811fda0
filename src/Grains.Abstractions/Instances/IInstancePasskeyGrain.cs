using System.Globalization;
using System.Text;
using Orleans.Concurrency;

namespace CodeChat.Grains.Abstractions.Instances;

/// <summary>
/// The passkey linking of one instance (our extension, issue 15; whatsapp-protocol.md §4.5), keyed by the
/// instance name: the same grain as <see cref="IInstanceSessionGrain"/>. The stage lives only in the
/// activation, as long as the linking (at most the flow timeout); nothing of it is stored.
/// </summary>
[Alias("CodeChat.IInstancePasskeyGrain")]
public interface IInstancePasskeyGrain : IGrainWithStringKey
{
    /// <summary>The pending passkey stage, or null when no instance has this name.</summary>
    [Alias("GetPasskey")]
    Task<InstancePasskeyView?> GetPasskeyAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Hands the browser's assertion (<c>PublicKeyCredential.toJSON()</c>, already validated) to WhatsApp.
    /// A refusal ends the linking: the session closes and the stage is cleared.
    /// </summary>
    [Alias("SubmitPasskeyAssertion")]
    Task<PasskeyCommandResult> SubmitPasskeyAssertionAsync(string assertionJson, CancellationToken cancellationToken = default);

    /// <summary>
    /// Confirms the code the phone shows. <paramref name="code"/> must match ours unless the skip-handoff flag
    /// is set (then it may be null); a wrong code ends the linking.
    /// </summary>
    [Alias("ConfirmPasskey")]
    Task<PasskeyCommandResult> ConfirmPasskeyAsync(string? code, CancellationToken cancellationToken = default);

    /// <summary>The stage once it left <c>awaiting_assertion</c>, or after <paramref name="timeout"/>. Only waits.</summary>
    [Alias("WaitForPasskeyProgress")]
    [AlwaysInterleave]
    Task<InstancePasskeyView?> WaitForPasskeyProgressAsync(TimeSpan timeout, CancellationToken cancellationToken = default);
}

/// <summary>
/// <see cref="Stage"/>: <c>none</c>, <c>awaiting_assertion</c> (with <see cref="OptionsJson"/>, WhatsApp's WebAuthn
/// request options) or <c>awaiting_confirmation</c> (with <see cref="Code"/>, <c>XXXX-XXXX</c>, and
/// <see cref="SkipHandoff"/>); <see cref="ExpiresAt"/> ends the linking. Printing it leaves the code and
/// the request options out: it travels in grain calls, and a log line about a call may print it.
/// </summary>
[GenerateSerializer]
[Alias("CodeChat.InstancePasskeyView")]
[Immutable]
public sealed record InstancePasskeyView(
    [property: Id(0)] string Stage,
    [property: Id(1)] string? OptionsJson,
    [property: Id(2)] string? Code,
    [property: Id(3)] bool SkipHandoff,
    [property: Id(4)] DateTimeOffset? ExpiresAt)
{
    public const string None = "none";
    public const string AwaitingAssertion = "awaiting_assertion";
    public const string AwaitingConfirmation = "awaiting_confirmation";

    public static InstancePasskeyView Idle { get; } = new(None, null, null, false, null);

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append(CultureInfo.InvariantCulture,
            $"Stage = {Stage}, HasCode = {Code is not null}, SkipHandoff = {SkipHandoff}, ExpiresAt = {ExpiresAt:O}");
        return true;
    }
}

[GenerateSerializer]
[Alias("CodeChat.PasskeyCommandOutcome")]
public enum PasskeyCommandOutcome
{
    Accepted = 0,
    NotFound = 1,
    /// <summary>The instance is not at the stage this step belongs to.</summary>
    WrongStage = 2,
    /// <summary>WhatsApp refused the assertion or the confirmation; the linking ended.</summary>
    Refused = 3,
    /// <summary>No code was given although the skip-handoff flag is not set.</summary>
    CodeRequired = 4,
    /// <summary>The code differs from ours; the linking ended.</summary>
    CodeMismatch = 5,
    /// <summary>Another activation owns the instance now.</summary>
    Superseded = 6,
}

[GenerateSerializer]
[Alias("CodeChat.PasskeyCommandResult")]
[Immutable]
public sealed record PasskeyCommandResult([property: Id(0)] PasskeyCommandOutcome Outcome, [property: Id(1)] InstancePasskeyView? Passkey = null);
