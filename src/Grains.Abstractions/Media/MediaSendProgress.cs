namespace CodeChat.Grains.Abstractions.Media;

/// <summary>
/// One step of a media send as a <c>send.message</c> event (api-contract.md §3, §6): the send's own
/// id (<c>queueId</c> in v3's payloads), the stage and percentage, the recipient as the caller wrote
/// it, and at the end the WhatsApp message id and type, or the error.
/// </summary>
[GenerateSerializer, Immutable]
[Alias("CodeChat.MediaSendProgress")]
public sealed record MediaSendProgress(
    [property: Id(0)] string SendId,
    [property: Id(1)] MediaSendStage Stage,
    [property: Id(2)] int Progress,
    [property: Id(3)] string Number)
{
    /// <summary>The recipient's JID once known (COMPLETED).</summary>
    [Id(4)] public string? Jid { get; init; }

    /// <summary>The WhatsApp message id (COMPLETED).</summary>
    [Id(5)] public string? MessageId { get; init; }

    /// <summary>CodeChat's message type, e.g. <c>imageMessage</c> (COMPLETED).</summary>
    [Id(6)] public string? MessageType { get; init; }

    /// <summary>Why the send failed (ERROR), without secrets.</summary>
    [Id(7)] public string? Error { get; init; }

    /// <summary>The HTTP status the caller got for the failure (ERROR).</summary>
    [Id(8)] public int? Status { get; init; }

    /// <summary>When this step happened.</summary>
    [Id(9)] public DateTimeOffset At { get; init; }
}

[GenerateSerializer]
[Alias("CodeChat.MediaSendStage")]
public enum MediaSendStage
{
    Start = 0,
    Processing = 1,
    Completed = 2,
    Error = 3,
}
