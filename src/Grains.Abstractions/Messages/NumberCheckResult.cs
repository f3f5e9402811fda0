namespace CodeChat.Grains.Abstractions.Messages;

/// <summary>The answer of a number check: per number, in the order asked; empty unless <see cref="Outcome"/> is <see cref="NumberCheckOutcome.Checked"/>.</summary>
[GenerateSerializer, Immutable]
[Alias("CodeChat.NumberCheckResult")]
public sealed record NumberCheckResult(
    [property: Id(0)] NumberCheckOutcome Outcome,
    [property: Id(1)] IReadOnlyList<NumberCheck> Numbers,
    [property: Id(2)] TimeSpan RetryAfter = default);

[GenerateSerializer]
[Alias("CodeChat.NumberCheckOutcome")]
public enum NumberCheckOutcome
{
    Checked = 0,
    NotFound = 1,
    NotConnected = 2,
    /// <summary>The instance asked WhatsApp about too many numbers lately; <see cref="NumberCheckResult.RetryAfter"/> says when to try again.</summary>
    RateLimited = 3,
}

/// <summary>
/// One number (CodeChat's <c>{exists, jid, lid?, name?}</c>): for a phone number, whether it has an
/// account, the JID WhatsApp names it by and its LID; for a group, whether we can see it and its subject.
/// </summary>
[GenerateSerializer, Immutable]
[Alias("CodeChat.NumberCheck")]
public sealed record NumberCheck(
    [property: Id(0)] bool Exists,
    [property: Id(1)] string Jid,
    [property: Id(2)] string? Lid = null,
    [property: Id(3)] string? Name = null);
