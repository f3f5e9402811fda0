using CodeChat.WhatsApp.AppState;
using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Proto;
using CodeChat.WhatsApp.Signal;
using Google.Protobuf;
using Microsoft.Extensions.Logging;

namespace CodeChat.WhatsApp.Client;

// Concern: the client's part of app state (whatsapp-protocol.md §9.2): the server's server_sync
// notification becomes an AppStateSyncRequestedEvent, and peer messages (§6.11) carry our app-state
// key requests to the phone. Fetching, verifying and applying patches is the caller's (the session
// layer keeps the versions and keys).
public sealed partial class WaClient
{
    private void HandleServerSync(Node notification)
    {
        var collections = notification.GetChildren("collection")
            .Select(collection => collection.GetAttribute("name"))
            .OfType<string>()
            .Where(AppStateCollections.IsKnown)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        if (collections.Count > 0)
            Publish(new AppStateSyncRequestedEvent(collections));
    }

    /// <summary>Asks our phone for the app-state sync keys <paramref name="keyIds"/> (a peer message).</summary>
    public Task RequestAppStateKeysAsync(IReadOnlyCollection<byte[]> keyIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keyIds);
        Log.AppStateKeysRequested(_logger, keyIds.Count);
        return SendPeerMessageAsync(AppStateNodes.KeyRequest(keyIds), cancellationToken);
    }

    /// <summary>
    /// Sends <paramref name="message"/> to our primary phone only (device 0 of our own user) as a peer
    /// message: <c>category="peer"</c>, <c>push_priority="high_force"</c> and <c>&lt;meta appdata="default"/&gt;</c>
    /// as whatsmeow's <c>preparePeerMessageNode</c> builds it; waits for the server's ack.
    /// </summary>
    public async Task SendPeerMessageAsync(Message message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var credentials = Credentials;
        if (credentials?.GetJid() is not { } ownDevice || credentials.Account is null || !IsLoggedIn)
            throw new WaClientException("Not logged in.");
        var phone = ownDevice.ToNonAd().WithDevice(0);
        await _sendGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var address = await SessionAddressAsync(phone, cancellationToken).ConfigureAwait(false);
            var targets = new List<FanOutTarget> { new(phone, address, Own: true) };
            var bundles = await FetchMissingBundlesAsync(targets, cancellationToken).ConfigureAwait(false);
            if (targets[0].NeedsBundle && !bundles.ContainsKey(address))
                throw new WaClientException("Our phone has no prekey bundle to start a session with.");
            var fanOut = await SignalSessions().EncryptForDevicesAsync(
                new Dictionary<SignalAddress, ReadOnlyMemory<byte>> { [address] = MessagePadding.Pad(message.ToByteArray()) },
                bundles, cancellationToken).ConfigureAwait(false);
            PublishIdentityChanges(fanOut.IdentityChanges);
            var encrypted = fanOut.Messages[address];
            var id = MessageIds.Generate(ownDevice, _time.GetUtcNow());
            var children = new List<Node>
            {
                new("meta", [new("appdata", "default")]),
                Enc(encrypted, mediaType: null),
            };
            if (encrypted.Type == SignalMessageType.PreKey)
                children.Add(new Node("device-identity", default, credentials.Account));
            var stanza = new Node("message",
                [new("id", id), new("to", ownDevice.ToNonAd()), new("type", "text"), new("category", "peer"), new("push_priority", "high_force")],
                children);
            await SendAndAwaitAckAsync(id, stanza, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _sendGate.Release();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(90, LogLevel.Information, "Asking our phone for {Count} app-state key(s) we do not hold")]
        public static partial void AppStateKeysRequested(ILogger logger, int count);
    }
}
