namespace CodeChat.Grains.Abstractions.Webhooks;

/// <summary>Deliver again one event (by id) or a range of sequences, on one line.</summary>
[GenerateSerializer]
[Alias("CodeChat.WebhookReplayRequest")]
[Immutable]
public sealed record WebhookReplayRequest(
    [property: Id(0)] string Endpoint,
    [property: Id(1)] Guid? EventId,
    [property: Id(2)] long? FromSequence,
    [property: Id(3)] long? ToSequence);

public enum WebhookReplayOutcome
{
    Queued,
    /// <summary>The line has no endpoint to deliver to (none set, disabled, or no global webhook).</summary>
    NoEndpoint,
    /// <summary>No stored event matches.</summary>
    NothingToReplay,
    /// <summary>The range holds more events than one replay may queue.</summary>
    TooMany,
}

[GenerateSerializer]
[Alias("CodeChat.WebhookReplayResult")]
[Immutable]
public sealed record WebhookReplayResult(
    [property: Id(0)] WebhookReplayOutcome Outcome,
    [property: Id(1)] IReadOnlyList<long> Sequences);
