namespace CodeChat.Grains.Abstractions.Instances;

/// <summary>
/// CodeChat's <c>{state, statusReason}</c> (codechat-api.md §8): <see cref="InstanceConnectionState"/>
/// and 200 for normal transitions, else the Baileys-style disconnect code (401, 408, 428, 440, 515…).
/// <see cref="PasskeyStage"/> (our extension) is <c>awaiting_assertion</c> or <c>awaiting_confirmation</c>
/// while a passkey linking lasts, else null.
/// </summary>
[GenerateSerializer]
[Alias("CodeChat.InstanceConnectionView")]
[Immutable]
public sealed record InstanceConnectionView(
    [property: Id(0)] InstanceConnectionState State,
    [property: Id(1)] int StatusReason,
    [property: Id(2)] string? PasskeyStage = null);
