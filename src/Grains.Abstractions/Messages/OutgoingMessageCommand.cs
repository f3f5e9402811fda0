namespace CodeChat.Grains.Abstractions.Messages;

/// <summary>
/// A message to send: the recipient as the caller wrote it (a number or a JID, codechat-api.md §4.4),
/// the message as serialized <c>waE2E.Message</c> bytes (any type: the route that built it decides),
/// and the options every send route shares. The pipeline adds the quote and the mentions to the
/// message's own <c>contextInfo</c>.
/// </summary>
[GenerateSerializer, Immutable]
[Alias("CodeChat.OutgoingMessageCommand")]
public sealed record OutgoingMessageCommand(
    [property: Id(0)] string Recipient,
    [property: Id(1)] byte[] Message,
    [property: Id(2)] SendOptions Options);

/// <summary>
/// The <c>options</c> of a send (api-contract.md §2): the delay with its presence, the quoted message
/// (by WhatsApp id or by stored numeric id), mentions, a forced message id, the caller's
/// attributes echoed back, and a status post's audience and text style.
/// </summary>
[GenerateSerializer, Immutable]
[Alias("CodeChat.SendOptions")]
public sealed record SendOptions
{
    public static readonly SendOptions None = new();

    /// <summary>Milliseconds to wait before sending, a uniform pick between the bounds (equal bounds: exactly that).</summary>
    [Id(0)] public SendDelay? Delay { get; init; }

    /// <summary>Shown during the delay: <c>composing</c> (default), <c>recording</c>, <c>paused</c>, <c>available</c>, <c>unavailable</c>.</summary>
    [Id(1)] public string? Presence { get; init; }

    /// <summary>The WhatsApp id of a stored message to quote (<c>options.quoted.messageId</c>).</summary>
    [Id(2)] public string? QuotedMessageId { get; init; }

    /// <summary>The stored numeric id of a message to quote (CodeChat 1.3's <c>options.quotedMessageId</c>).</summary>
    [Id(3)] public long? QuotedStoredId { get; init; }

    /// <summary>Mention every current participant of the group (overrides <see cref="Mentioned"/>).</summary>
    [Id(4)] public bool MentionEveryone { get; init; }

    /// <summary>With <see cref="MentionEveryone"/>: mentioned without <c>@number</c> references added to the text.</summary>
    [Id(5)] public bool GhostMention { get; init; }

    /// <summary>Numbers or JIDs to mention (group sends only).</summary>
    [Id(6)] public IReadOnlyList<string> Mentioned { get; init; } = [];

    /// <summary>The WhatsApp message id to use instead of a new one.</summary>
    [Id(7)] public string? MessageId { get; init; }

    /// <summary>The caller's JSON, echoed in the answer, never sent to WhatsApp.</summary>
    [Id(8)] public string? ExternalAttributesJson { get; init; }

    /// <summary>A status post's audience (<c>options.statusJidList</c>): numbers or user JIDs, checked with WhatsApp.</summary>
    [Id(9)] public IReadOnlyList<string> StatusJidList { get; init; } = [];

    /// <summary>A status post to every stored contact that is a WhatsApp user (<c>options.allContacts</c>).</summary>
    [Id(10)] public bool StatusAllContacts { get; init; }

    /// <summary>A text status's background as ARGB (<c>options.backgroundColor</c>).</summary>
    [Id(11)] public uint? StatusBackgroundArgb { get; init; }

    /// <summary>A text status's font, 0–5 (<c>options.font</c>).</summary>
    [Id(12)] public int? StatusFont { get; init; }

    public bool HasMentions => MentionEveryone || Mentioned.Count > 0;

    /// <summary>Whether any status-only option is set.</summary>
    public bool HasStatusOptions => StatusJidList.Count > 0 || StatusAllContacts || StatusBackgroundArgb is not null || StatusFont is not null;
}

/// <summary>A delay of <see cref="MinMilliseconds"/> to <see cref="MaxMilliseconds"/>, picked uniformly.</summary>
[GenerateSerializer, Immutable]
[Alias("CodeChat.SendDelay")]
public sealed record SendDelay([property: Id(0)] int MinMilliseconds, [property: Id(1)] int MaxMilliseconds)
{
    /// <summary>One wait: the fixed value, or a fresh uniform pick in [min, max] (both ends included).</summary>
    public TimeSpan Pick() => TimeSpan.FromMilliseconds(MinMilliseconds >= MaxMilliseconds
        ? MinMilliseconds
        : Random.Shared.Next(MinMilliseconds, MaxMilliseconds + 1));
}
