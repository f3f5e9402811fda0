using System.Text.Json;
using System.Text.Json.Serialization;
using CodeChat.Grains.Abstractions.Events;
using CodeChat.Grains.Abstractions.Instances;

namespace CodeChat.Grains.Events;

/// <summary>Builds the drafts of the instance lifecycle events with their exact payload shapes.</summary>
public static class InstanceEventPayloads
{
    public static InstanceEventDraft ConnectionUpdate(
        string instanceName, long instanceId, string? ownerJid, InstanceConnectionState state, int statusReason, string? reason = null) =>
        new(instanceName, instanceId, ownerJid, InstanceEventNames.ConnectionUpdate,
            JsonSerializer.Serialize(new ConnectionUpdateData(instanceName, state.ToText(), statusReason, reason), InstanceEventJsonContext.Default.ConnectionUpdateData));

    public static InstanceEventDraft QrCodeUpdated(string instanceName, long instanceId, string? ownerJid, QrCodeUpdatedData data) =>
        new(instanceName, instanceId, ownerJid, InstanceEventNames.QrCodeUpdated,
            JsonSerializer.Serialize(data, InstanceEventJsonContext.Default.QrCodeUpdatedData));

    public static InstanceEventDraft PasskeyRequest(string instanceName, long instanceId, string? ownerJid, PasskeyRequestData data) =>
        new(instanceName, instanceId, ownerJid, InstanceEventNames.PasskeyRequest,
            JsonSerializer.Serialize(data, InstanceEventJsonContext.Default.PasskeyRequestData));

    public static InstanceEventDraft PasskeyConfirmation(string instanceName, long instanceId, string? ownerJid, PasskeyConfirmationData data) =>
        new(instanceName, instanceId, ownerJid, InstanceEventNames.PasskeyConfirmation,
            JsonSerializer.Serialize(data, InstanceEventJsonContext.Default.PasskeyConfirmationData));

    public static InstanceEventDraft PasskeyError(string instanceName, long instanceId, string? ownerJid, PasskeyErrorData data) =>
        new(instanceName, instanceId, ownerJid, InstanceEventNames.PasskeyError,
            JsonSerializer.Serialize(data, InstanceEventJsonContext.Default.PasskeyErrorData));
}

[JsonSerializable(typeof(ConnectionUpdateData))]
[JsonSerializable(typeof(PasskeyRequestData))]
[JsonSerializable(typeof(PasskeyConfirmationData))]
[JsonSerializable(typeof(PasskeyErrorData))]
[JsonSerializable(typeof(QrCodeUpdatedData))]
internal sealed partial class InstanceEventJsonContext : JsonSerializerContext;
