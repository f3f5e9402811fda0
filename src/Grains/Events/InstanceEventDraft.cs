namespace CodeChat.Grains.Events;

/// <summary>An event about to be appended: who raised it, its name and its <c>data</c> as JSON text.</summary>
public sealed record InstanceEventDraft(string InstanceName, long InstanceId, string? OwnerJid, string Event, string DataJson);
