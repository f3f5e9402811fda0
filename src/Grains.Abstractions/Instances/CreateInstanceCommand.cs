namespace CodeChat.Grains.Abstractions.Instances;

[GenerateSerializer]
[Alias("CodeChat.CreateInstanceCommand")]
public sealed record CreateInstanceCommand(
    [property: Id(0)] string? Description,
    [property: Id(1)] string? ExternalAttributesJson,
    [property: Id(2)] InstanceTokenCredential Token);
