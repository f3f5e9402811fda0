namespace CodeChat.Grains.Abstractions.Instances;

/// <summary>Fields to change; a null field is left as it is.</summary>
[GenerateSerializer]
[Alias("CodeChat.UpdateInstanceCommand")]
public sealed record UpdateInstanceCommand(
    [property: Id(0)] string? Description,
    [property: Id(1)] string? ExternalAttributesJson);
