using CodeChat.WhatsApp.Client;
using CodeChat.WhatsApp.Signal.Groups;
using CodeChat.WhatsApp.Store;

namespace CodeChat.Grains.Sessions;

/// <summary>Makes the one <see cref="WaClient"/> an instance activation drives.</summary>
public interface IWaClientFactory
{
    /// <param name="sessions">The instance's Signal session store (PostgreSQL in the silo).</param>
    /// <param name="senderKeys">The instance's group sender-key store (PostgreSQL in the silo).</param>
    /// <param name="beforeReconnect">Becomes <see cref="WaClientOptions.BeforeReconnectAsync"/>: fences every automatic reconnect.</param>
    /// <param name="storeIncomingMessage">Becomes <see cref="WaClientOptions.StoreIncomingMessageAsync"/>: awaited before each delivery receipt.</param>
    /// <param name="reportUnprocessableMessage">Becomes <see cref="WaClientOptions.ReportUnprocessableMessageAsync"/>: awaited before a given-up message is acked.</param>
    /// <param name="storeGroupNotification">Becomes <see cref="WaClientOptions.StoreGroupNotificationAsync"/>: awaited before a group notification is acked.</param>
    /// <param name="storeCall">Becomes <see cref="WaClientOptions.StoreCallAsync"/>: awaited before a call stanza is acked.</param>
    WaClient Create(
        string instanceName,
        IDeviceStore store,
        ISignalSessionStore sessions,
        ISenderKeyStore senderKeys,
        Func<CancellationToken, ValueTask<bool>>? beforeReconnect = null,
        Func<IncomingMessage, CancellationToken, ValueTask>? storeIncomingMessage = null,
        Func<MessageDecryptionFailedEvent, CancellationToken, ValueTask>? reportUnprocessableMessage = null,
        Func<CodeChat.WhatsApp.Groups.GroupNotification, CancellationToken, ValueTask>? storeGroupNotification = null,
        Func<IncomingCall, CancellationToken, ValueTask>? storeCall = null);
}
