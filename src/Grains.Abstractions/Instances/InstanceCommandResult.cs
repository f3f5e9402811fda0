namespace CodeChat.Grains.Abstractions.Instances;

/// <summary>How a command on an instance ended, with the instance record when it has one.</summary>
[GenerateSerializer]
[Alias("CodeChat.InstanceCommandResult")]
public sealed record InstanceCommandResult(
    [property: Id(0)] InstanceCommandOutcome Outcome,
    [property: Id(1)] InstanceSnapshot? Instance)
{
    public static InstanceCommandResult Of(InstanceCommandOutcome outcome) => new(outcome, null);
}

[GenerateSerializer]
[Alias("CodeChat.InstanceCommandOutcome")]
public enum InstanceCommandOutcome
{
    Succeeded = 0,
    NotFound = 1,
    /// <summary>Create refused: the name has a WhatsApp session (running, or its device keys stored).</summary>
    NameInUse = 2,
    /// <summary>The presented token is not the current one (rotation refused).</summary>
    TokenMismatch = 3,
    /// <summary>Delete refused: the WhatsApp session is open and must be logged out first.</summary>
    StillConnected = 4,
    /// <summary>Create refused: the name has a record but no WhatsApp session (never connected, or logged out).</summary>
    AlreadyExists = 5,
    /// <summary>
    /// Refused by the fence: another activation of the instance wrote its state since this one read it,
    /// so this one stopped without changing anything. A retry reaches the current state.
    /// </summary>
    Superseded = 6,
}
