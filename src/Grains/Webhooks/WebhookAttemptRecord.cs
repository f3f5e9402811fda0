using CodeChat.Grains.Abstractions.Events;

namespace CodeChat.Grains.Webhooks;

/// <summary>One attempt to record: the event, which try it was, the answer and what follows from it.</summary>
public sealed record WebhookAttemptRecord(
    string Endpoint,
    InstanceEventRecord Record,
    int Attempt,
    string Outcome,
    WebhookDeliveryResponse Response,
    WebhookDecision Decision,
    DateTimeOffset AttemptedAt,
    long? ReplayId);
