namespace CodeChat.Grains.Abstractions.Webhooks;

/// <summary>
/// <c>PUT /webhook/set</c> after validation. <see cref="Events"/> holds canonical flags only; null
/// leaves the stored selection as it is (or selects everything on a new endpoint);
/// <see cref="ResetEvents"/> selects everything again (<c>"events": null</c>).
/// </summary>
[GenerateSerializer]
[Alias("CodeChat.WebhookSetCommand")]
[Immutable]
public sealed record WebhookSetCommand
{
    [Id(0)] public required long InstanceId { get; init; }
    [Id(1)] public required string Url { get; init; }
    [Id(2)] public required bool Enabled { get; init; }
    [Id(3)] public IReadOnlyDictionary<string, bool>? Events { get; init; }
    [Id(4)] public bool ResetEvents { get; init; }
    /// <summary>Issue a new signing secret; the previous one stays valid for the rotation grace period.</summary>
    [Id(5)] public bool RotateSecret { get; init; }
}

public enum WebhookSetOutcome
{
    Saved,
    /// <summary>The URL is malformed or points at an address the policy refuses; see <see cref="WebhookSetResult.Problem"/>.</summary>
    UrlRefused,
}

/// <summary>
/// The stored endpoint, and the signing secret when this call created it (first set or rotation):
/// the only time it is shown.
/// </summary>
[GenerateSerializer]
[Alias("CodeChat.WebhookSetResult")]
[Immutable]
public sealed record WebhookSetResult(
    [property: Id(0)] WebhookSetOutcome Outcome,
    [property: Id(1)] WebhookEndpointView? Endpoint,
    [property: Id(2)] string? NewSecret,
    [property: Id(3)] string? Problem);
