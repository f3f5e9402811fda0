using System.Collections.Concurrent;
using Orleans.Runtime;

namespace CodeChat.Hosting.Tests;

public interface IIdentityGrain : IGrainWithStringKey
{
    /// <summary>Which activation answered, and on which silo.</summary>
    Task<ActivationIdentity> WhoAmI();
}

[GenerateSerializer]
[Alias("CodeChat.Hosting.Tests.ActivationIdentity")]
public sealed record ActivationIdentity([property: Id(0)] Guid ActivationId, [property: Id(1)] string Silo);

[GrainType("test-identity")]
public sealed class IdentityGrain(ILocalSiloDetails silo) : Grain, IIdentityGrain
{
    private readonly Guid _activationId = Guid.NewGuid();

    public Task<ActivationIdentity> WhoAmI() => Task.FromResult(new ActivationIdentity(_activationId, silo.SiloAddress.ToString()));
}

public interface INoteGrain : IGrainWithStringKey
{
    Task Write(string text);

    Task<string?> Read();
}

[GenerateSerializer]
[Alias("CodeChat.Hosting.Tests.Note")]
public sealed class Note
{
    [Id(0)]
    public string? Text { get; set; }
}

[GrainType("test-note")]
public sealed class NoteGrain([PersistentState("note")] IPersistentState<Note> note) : Grain, INoteGrain
{
    public async Task Write(string text)
    {
        note.State.Text = text;
        await note.WriteStateAsync();
    }

    public Task<string?> Read() => Task.FromResult(note.State.Text);
}

public interface IAlarmGrain : IGrainWithStringKey
{
    Task Arm(TimeSpan dueTime);
}

/// <summary>Collects reminder ticks so a test can wait for them; shared by every silo of a test cluster.</summary>
public sealed class ReminderProbe
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<string>> _fired = new();

    public Task<string> Fired(string grainKey) => Signal(grainKey).Task;

    public void Record(string grainKey, string reminderName) => Signal(grainKey).TrySetResult(reminderName);

    private TaskCompletionSource<string> Signal(string grainKey) =>
        _fired.GetOrAdd(grainKey, _ => new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously));
}

[GrainType("test-alarm")]
public sealed class AlarmGrain(ReminderProbe probe) : Grain, IAlarmGrain, IRemindable
{
    public const string ReminderName = "wake-up";

    // Orleans' minimum period is one minute; only the first tick (at dueTime) is awaited.
    public Task Arm(TimeSpan dueTime) => this.RegisterOrUpdateReminder(ReminderName, dueTime, TimeSpan.FromMinutes(1));

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        probe.Record(this.GetPrimaryKeyString(), reminderName);
        return Task.CompletedTask;
    }
}
