namespace CodeChat.Grains.Abstractions.Webhooks;

/// <summary>Which page of an instance's delivery log or dead-letter list to read, newest first.</summary>
[GenerateSerializer]
[Alias("CodeChat.WebhookLogQuery")]
[Immutable]
public sealed record WebhookLogQuery(
    [property: Id(0)] string InstanceName,
    [property: Id(1)] string? Endpoint,
    [property: Id(2)] Guid? EventId,
    [property: Id(3)] long? BeforeId,
    [property: Id(4)] int Limit);

/// <summary>One delivery attempt: what was sent, how the receiver answered, how long it took.</summary>
[GenerateSerializer]
[Alias("CodeChat.WebhookAttemptView")]
[Immutable]
public sealed record WebhookAttemptView
{
    [Id(0)] public required long Id { get; init; }
    [Id(1)] public required string Endpoint { get; init; }
    [Id(2)] public required Guid EventId { get; init; }
    [Id(3)] public required long Sequence { get; init; }
    [Id(4)] public required string Event { get; init; }
    /// <summary>1 for the first try of this event on this line, then 2, 3, …</summary>
    [Id(5)] public required int Attempt { get; init; }
    /// <summary><see cref="WebhookAttemptOutcomes"/>.</summary>
    [Id(6)] public required string Outcome { get; init; }
    [Id(7)] public int? StatusCode { get; init; }
    [Id(8)] public string? Error { get; init; }
    [Id(9)] public required double LatencyMs { get; init; }
    [Id(10)] public required DateTimeOffset AttemptedAt { get; init; }
    [Id(11)] public DateTimeOffset? NextAttemptAt { get; init; }
    [Id(12)] public required bool Replay { get; init; }
}

public static class WebhookAttemptOutcomes
{
    public const string Delivered = "delivered";
    public const string Retrying = "retrying";
    public const string DeadLettered = "dead_lettered";
    /// <summary>The receiver answered 410 Gone: the endpoint is switched off, the event waits.</summary>
    public const string EndpointDisabled = "endpoint_disabled";
}

/// <summary>An event that used up its retry budget (or was refused outright) on one line.</summary>
[GenerateSerializer]
[Alias("CodeChat.WebhookDeadLetterView")]
[Immutable]
public sealed record WebhookDeadLetterView
{
    [Id(0)] public required long Id { get; init; }
    [Id(1)] public required string Endpoint { get; init; }
    [Id(2)] public required Guid EventId { get; init; }
    [Id(3)] public required long Sequence { get; init; }
    [Id(4)] public required string Event { get; init; }
    [Id(5)] public required int Attempts { get; init; }
    [Id(6)] public int? LastStatusCode { get; init; }
    [Id(7)] public string? LastError { get; init; }
    [Id(8)] public required DateTimeOffset DeadLetteredAt { get; init; }
    /// <summary>When a replay of it was last delivered.</summary>
    [Id(9)] public DateTimeOffset? ReplayedAt { get; init; }
}
