namespace CodeChat.Grains.Abstractions.Instances;

/// <summary>The id and SHA-256 of an instance token; the token itself never reaches a grain.</summary>
[GenerateSerializer]
[Alias("CodeChat.InstanceTokenCredential")]
public sealed record InstanceTokenCredential(
    [property: Id(0)] string TokenId,
    [property: Id(1)] byte[] TokenSha256);
