namespace CodeChat.Grains.Abstractions.Groups;

/// <summary>The participant change asked for (1.3's <c>action</c>).</summary>
public enum GroupParticipantCommand
{
    Add,
    Remove,
    Promote,
    Demote,
}

/// <summary>Which group property an update changes.</summary>
public enum GroupUpdateKind
{
    Subject,
    /// <summary><see cref="GroupUpdateCommand.Text"/> null or empty deletes the description.</summary>
    Description,
    /// <summary><see cref="GroupUpdateCommand.Text"/> is announcement, not_announcement, locked or unlocked.</summary>
    Setting,
    /// <summary><see cref="GroupUpdateCommand.Seconds"/>: disappearing messages timer, 0 = off.</summary>
    Ephemeral,
    /// <summary><see cref="GroupUpdateCommand.Picture"/>: a prepared JPEG.</summary>
    Picture,
}

/// <summary>One change of a group's info or settings.</summary>
[GenerateSerializer]
[Alias("CodeChat.GroupUpdateCommand")]
[Immutable]
public sealed record GroupUpdateCommand(
    [property: Id(0)] GroupUpdateKind Kind,
    [property: Id(1)] string? Text = null,
    [property: Id(2)] int Seconds = 0,
    [property: Id(3)] byte[]? Picture = null);
