using CodeChat.Grains.Events;

namespace CodeChat.Grains.Instances;

/// <summary>
/// An outbox event staged in the instance record: it is written together with the state change it
/// reports (one grain-storage write, so one transaction) and relayed to <c>instance_events</c> right
/// after. If the silo dies in between, the next activation relays it; the id makes the relay
/// idempotent. Only events without secrets are staged (never <c>qrcode.updated</c>).
/// </summary>
[GenerateSerializer]
[Alias("CodeChat.PendingInstanceEvent")]
public sealed class PendingInstanceEvent
{
    [Id(0)] public Guid Id { get; set; }
    [Id(1)] public long InstanceId { get; set; }
    [Id(2)] public string? OwnerJid { get; set; }
    [Id(3)] public string Event { get; set; } = "";
    [Id(4)] public string DataJson { get; set; } = "";

    public static PendingInstanceEvent Stage(InstanceEventDraft draft, Guid id) => new()
    {
        Id = id,
        InstanceId = draft.InstanceId,
        OwnerJid = draft.OwnerJid,
        Event = draft.Event,
        DataJson = draft.DataJson,
    };

    public InstanceEventDraft ToDraft(string instanceName) =>
        new(instanceName, InstanceId, OwnerJid, Event, DataJson) { Id = Id };
}
