namespace CodeChat.Grains.Abstractions.Instances;

/// <summary>
/// The id and SHA-256 of an instance token (for checks) and the token encrypted by the API with Data
/// Protection (so the global-key holder can read it back); the token in clear never reaches a grain.
/// </summary>
[GenerateSerializer]
[Alias("CodeChat.InstanceTokenCredential")]
public sealed record InstanceTokenCredential(
    [property: Id(0)] string TokenId,
    [property: Id(1)] byte[] TokenSha256,
    [property: Id(2)] string ProtectedToken);
