namespace CodeChat.Grains.Abstractions.Webhooks;

/// <summary>
/// An instance's webhook as <c>webhook/find</c> and <c>fetchInstance</c> show it (CodeChat 1.3's row
/// plus why delivery stopped, if it did). Never carries the signing secret.
/// </summary>
[GenerateSerializer]
[Alias("CodeChat.WebhookEndpointView")]
[Immutable]
public sealed record WebhookEndpointView
{
    [Id(0)] public required long Id { get; init; }
    [Id(1)] public required string Url { get; init; }
    [Id(2)] public required bool Enabled { get; init; }
    [Id(3)] public required WebhookEventSelection Events { get; init; }
    [Id(4)] public required long InstanceId { get; init; }
    [Id(5)] public required DateTimeOffset CreatedAt { get; init; }
    [Id(6)] public required DateTimeOffset UpdatedAt { get; init; }
    /// <summary>Set when delivery switched the endpoint off (the receiver answered 410 Gone).</summary>
    [Id(7)] public string? DisabledReason { get; init; }
    /// <summary>Until when signatures with the previous secret are still sent beside the current one.</summary>
    [Id(8)] public DateTimeOffset? PreviousSecretValidUntil { get; init; }
}
