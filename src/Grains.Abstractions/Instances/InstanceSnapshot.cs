namespace CodeChat.Grains.Abstractions.Instances;

/// <summary>What the API may show about an instance. Holds the token only encrypted (<see cref="ProtectedToken"/>).</summary>
[GenerateSerializer]
[Alias("CodeChat.InstanceSnapshot")]
public sealed record InstanceSnapshot
{
    [Id(0)] public required long Id { get; init; }
    [Id(1)] public required string Name { get; init; }
    [Id(2)] public string? Description { get; init; }
    /// <summary>Arbitrary JSON supplied by the client, kept verbatim; null when none was given.</summary>
    [Id(3)] public string? ExternalAttributesJson { get; init; }
    /// <summary><see cref="InstanceConnectionStatus"/>: ONLINE once WhatsApp session is open, OFFLINE otherwise.</summary>
    [Id(4)] public required string ConnectionStatus { get; init; }
    [Id(5)] public string? OwnerJid { get; init; }
    [Id(6)] public string? ProfilePicUrl { get; init; }
    [Id(7)] public required string TokenId { get; init; }
    [Id(8)] public required DateTimeOffset TokenCreatedAt { get; init; }
    [Id(9)] public required DateTimeOffset TokenUpdatedAt { get; init; }
    [Id(10)] public required DateTimeOffset CreatedAt { get; init; }
    [Id(11)] public required DateTimeOffset UpdatedAt { get; init; }
    /// <summary>Set only on the snapshot returned by a delete.</summary>
    [Id(12)] public DateTimeOffset? DeletedAt { get; init; }
    /// <summary>
    /// The current token as the API encrypted it (Data Protection); only the API can open it. Null for
    /// a token issued before tokens were kept, of which only the hash exists.
    /// </summary>
    [Id(13)] public string? ProtectedToken { get; init; }
}
