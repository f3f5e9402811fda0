using CodeChat.Grains.Abstractions.Instances;
using CodeChat.WhatsApp.Client;
using Microsoft.Extensions.Logging;

namespace CodeChat.Grains.Instances;

/// <summary>What the instance grain logs (names and states only: never keys, tokens or QR strings).</summary>
public sealed partial class InstanceGrain
{
    [LoggerMessage(Level = LogLevel.Debug, Message = "Instance {InstanceName} stored incoming message {MessageId} as #{StoredId} (new: {Created})")]
    private partial void LogMessageStored(string instanceName, string messageId, long storedId, bool created);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Instance {InstanceName}: message {MessageId} carries only a {MessageType}; not stored as a chat message")]
    private partial void LogProtocolMessageSkipped(string instanceName, string messageId, string messageType);

    [LoggerMessage(Level = LogLevel.Information, Message = "Instance {InstanceName} created with id {InstanceId}")]
    private partial void LogCreated(string instanceName, long instanceId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Instance {InstanceName} (id {InstanceId}) deleted")]
    private partial void LogDeleted(string instanceName, long instanceId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Instance {InstanceName} token rotated")]
    private partial void LogTokenRotated(string instanceName);

    [LoggerMessage(Level = LogLevel.Information, Message = "Instance {InstanceName} connecting to WhatsApp (session {Epoch}, pairing code {ByPairingCode})")]
    private partial void LogConnecting(string instanceName, long epoch, bool byPairingCode);

    [LoggerMessage(Level = LogLevel.Information, Message = "Instance {InstanceName} linked as {Jid}")]
    private partial void LogPaired(string instanceName, string? jid);

    [LoggerMessage(Level = LogLevel.Information, Message = "Instance {InstanceName} connection open as {OwnerJid}")]
    private partial void LogOpen(string instanceName, string? ownerJid);

    [LoggerMessage(Level = LogLevel.Information, Message = "Instance {InstanceName} disconnected: {Reason} ({StatusReason}), reconnecting {WillReconnect}")]
    private partial void LogDisconnected(string instanceName, DisconnectReason reason, int statusReason, bool willReconnect);

    [LoggerMessage(Level = LogLevel.Information, Message = "Instance {InstanceName} logged out")]
    private partial void LogLoggedOut(string instanceName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Instance {InstanceName}: the server could not be told about the logout; the device was wiped locally")]
    private partial void LogLogoutIncomplete(string instanceName, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Instance {InstanceName}: another activation owns the session (epoch {Epoch}); this one stops")]
    private partial void LogFenced(string instanceName, long epoch);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Instance {InstanceName}: connection move {Transition} is not allowed from {ActualState}; ignored")]
    private partial void LogIllegalTransition(string instanceName, string transition, InstanceConnectionState actualState);

    [LoggerMessage(Level = LogLevel.Error, Message = "Instance {InstanceName} could not resume its session on activation; the watchdog retries")]
    private partial void LogResumeFailed(string instanceName, Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Instance {InstanceName} event {EventName} #{Sequence} recorded")]
    private partial void LogEvent(string instanceName, string eventName, long sequence);
}
