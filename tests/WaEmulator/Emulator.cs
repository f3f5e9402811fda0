using System.Collections.Concurrent;
using System.Net.WebSockets;
using CodeChat.WaEmulator.Model;
using CodeChat.WaEmulator.Protocol;
using CodeChat.WhatsApp.Crypto;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CodeChat.WaEmulator;

/// <summary>
/// The emulated WhatsApp side — chat server, every test account's phone — and the in-process test API:
/// create accounts, scan a QR, kick a device, drop connections, inspect what was routed.
/// </summary>
public sealed class Emulator
{
    private readonly ConcurrentDictionary<long, LiveConnection> _connections = new();
    private readonly ConcurrentQueue<ConnectionRecord> _connectionLog = new();
    private readonly ChatServer _server;
    private readonly ILogger<Emulator> _logger;
    private long _nextConnectionId;

    public Emulator(WaEmulatorOptions options, ILogger<Emulator> logger)
    {
        Options = options;
        _logger = logger;
        _server = new ChatServer(options, logger);
        Certificates = new EmulatorCertificates();
    }

    public WaEmulatorOptions Options { get; }

    /// <summary>Root, intermediate and server keys; clients must trust <see cref="EmulatorCertificates.RootPublicKey"/>.</summary>
    public EmulatorCertificates Certificates { get; }

    /// <summary>Every WebSocket connection accepted so far, oldest first.</summary>
    public IReadOnlyList<ConnectionRecord> Connections => [.. _connectionLog];

    public IReadOnlyList<EmulatedAccount> Accounts => _server.Directory.Accounts;

    public IReadOnlyList<EmulatedGroup> Groups => _server.Groups.Groups;

    /// <summary>The media host (media_conn, HTTPS upload/download) and what was uploaded to it.</summary>
    public Media.MediaHost Media => _server.Media;

    /// <summary>The minimum WhatsApp Web version (405 below it) and the one <c>/sw.js</c> announces; both settable at run time.</summary>
    public ClientVersionGate ClientVersions => _server.Versions;

    /// <summary>The status posts the server routed, oldest first: sender key id and iteration, listed devices.</summary>
    public IReadOnlyList<Protocol.StatusPostRecord> StatusPosts => _server.Statuses.Posted;

    /// <summary>What passed through the server (newest last, capped), without payload bytes.</summary>
    public IReadOnlyList<RoutedStanza> Journal => _server.JournalEntries;

    /// <summary>Creates a test account with its simulated phone; phone defaults to the next 1555000000N.</summary>
    public EmulatedAccount CreateAccount(string? phone = null, string? pushName = null) => _server.Directory.Create(phone, pushName);

    /// <summary>
    /// TEST-ONLY eavesdropping, no WhatsApp counterpart: from now on every message sent to
    /// <paramref name="groupJid"/> is also delivered to <paramref name="outsider"/>'s devices while
    /// it is not a member, exactly as a member would get it (the skmsg, and a per-device SKDM only
    /// if the sender addressed one to it). Proves that a removed member cannot decrypt.
    /// </summary>
    public void EavesdropGroupMessages(string groupJid, EmulatedAccount outsider)
    {
        var id = groupJid.Split('@')[0];
        var group = _server.Groups.Find(id) ?? throw new ArgumentException($"No group {groupJid}.", nameof(groupJid));
        group.AddEavesdropper(outsider);
    }

    /// <summary>Whether <paramref name="issuer"/>'s client issued its privacy token to <paramref name="holder"/> (whatsapp-protocol.md §6.13).</summary>
    public bool HasIssuedPrivacyToken(EmulatedAccount issuer, EmulatedAccount holder) => _server.PrivacyTokens.HasIssued(issuer, holder);

    public EmulatedAccount? FindAccount(string phone) => _server.Directory.FindByPhone(phone);

    /// <summary>The picture a user (by its phone JID) or a group (by its JID) shows, or null.</summary>
    public Protocol.ProfilePicture? ProfilePictureOf(string jid) => _server.Profiles.PictureOf(jid);

    /// <summary>Sets who sees <paramref name="account"/>'s profile picture: "all", "contacts" (shown like "all") or "none".</summary>
    public void SetProfilePicturePrivacy(EmulatedAccount account, string value) => _server.Profiles.SetPicturePrivacy(account, value);

    /// <summary>The accounts <paramref name="blocker"/> blocks.</summary>
    public IReadOnlyList<EmulatedAccount> BlockedBy(EmulatedAccount blocker) => _server.Profiles.BlockedBy(blocker);

    /// <summary>Places a call from <paramref name="caller"/>'s phone to every device of <paramref name="callee"/>.</summary>
    public Protocol.EmulatedCall PlaceCall(EmulatedAccount caller, EmulatedAccount callee, bool video = false) => _server.Calls.PlaceCall(caller, callee, video);

    /// <summary>Every call placed so far, with how it ended.</summary>
    public IReadOnlyList<Protocol.EmulatedCall> Calls => _server.Calls.Calls;

    /// <summary>
    /// The phone changed app state: <paramref name="patch"/> (a serialized SyncdPatch the test built, e.g.
    /// with Baileys' encodeSyncdPatch) becomes the collection's next version, and every companion gets
    /// a <c>server_sync</c> notification. Returns the version.
    /// </summary>
    public ulong PushAppStatePatchFromPhone(EmulatedAccount account, string collection, byte[] patch) =>
        _server.AppState.PushFromPhone(account, collection, patch);

    /// <summary>
    /// The phone uploaded an encrypted app-state blob (a snapshot, or a patch's external mutations; the
    /// test encrypted it, e.g. with Baileys' encryptedStream for md-app-state): it goes to the media
    /// host, and the reference a companion downloads it by comes back (whatsapp-protocol.md §9.2).
    /// </summary>
    public CodeChat.WhatsApp.Proto.ExternalBlobReference UploadAppStateBlobFromPhone(
        byte[] encrypted, byte[] mediaKey, byte[] fileSha256, byte[] fileEncSha256, ulong fileLength)
    {
        var stored = Media.Store("md-app-state", encrypted);
        return new CodeChat.WhatsApp.Proto.ExternalBlobReference
        {
            MediaKey = Google.Protobuf.ByteString.CopyFrom(mediaKey),
            DirectPath = stored.DirectPath,
            FileSizeBytes = fileLength,
            FileSHA256 = Google.Protobuf.ByteString.CopyFrom(fileSha256),
            FileEncSHA256 = Google.Protobuf.ByteString.CopyFrom(fileEncSha256),
        };
    }

    /// <summary>
    /// The phone left a snapshot of <paramref name="collection"/> at <paramref name="version"/> (uploaded
    /// with <see cref="UploadAppStateBlobFromPhone"/>): a companion fetching with <c>return_snapshot</c>
    /// gets it and the patches after it; every companion gets a <c>server_sync</c> notification.
    /// </summary>
    public void SetAppStateSnapshotFromPhone(EmulatedAccount account, string collection, ulong version, CodeChat.WhatsApp.Proto.ExternalBlobReference snapshot) =>
        _server.AppState.SnapshotFromPhone(account, collection, version, snapshot);

    /// <summary>
    /// The account's phone scans a QR string shown by a registering client. Completes once the client
    /// counter-signed and the device is stored; the client then gets stream error 515 and must log in again.
    /// </summary>
    public Task<LinkedDevice> ScanQrAsync(string qr, EmulatedAccount account, CancellationToken cancellationToken = default) =>
        _server.Pairing.ScanAsync(qr, account, cancellationToken);

    /// <summary>
    /// The user types the code a companion shows into <paramref name="account"/>'s phone ("link with phone
    /// number instead"). Completes once the companion finished and counter-signed; throws
    /// <see cref="InvalidOperationException"/> when the phone refuses the code or no companion is waiting.
    /// </summary>
    public Task<LinkedDevice> EnterPairingCodeAsync(EmulatedAccount account, string code, CancellationToken cancellationToken = default) =>
        _server.Pairing.Codes.EnterCodeAsync(account, code, cancellationToken);

    /// <summary>
    /// From now on WhatsApp asks for this passkey before it links a companion to <paramref name="account"/>
    /// (whatsapp-protocol.md §4.5). The server keeps only the credential id and the P-256 public key; the
    /// test keeps the private key and plays the authenticator.
    /// </summary>
    public void RequirePasskey(EmulatedAccount account, byte[] credentialId, System.Security.Cryptography.ECParameters publicKey)
    {
        ArgumentNullException.ThrowIfNull(account);
        account.Passkey = new EmulatedPasskey(credentialId, publicKey);
    }

    /// <summary>Passkey linkings in progress: the stage, the challenge, and the code the phone shows once it has one.</summary>
    public IReadOnlyList<Protocol.PasskeyLinkingInfo> PasskeyLinkings => _server.Pairing.Passkeys.Waiting;

    /// <summary>The WebAuthn relying party the passkeys belong to.</summary>
    public string PasskeyRelyingPartyId => _server.Options.PasskeyRelyingPartyId;

    /// <summary>Companions currently waiting for their pairing code to be entered on a phone.</summary>
    public IReadOnlyList<PairingCodeRequestInfo> PairingCodeRequests => _server.Pairing.Codes.Waiting;

    /// <summary>Counts for load harnesses: live sockets, logged-in devices, logins and replaced logins so far.</summary>
    public EmulatorStats Stats => new(Accounts.Count, _connections.Count, _server.OnlineCount, _server.Logins, _server.ReplacedLogins, _server.KeepalivePings);

    /// <summary>Whether the device has a live, logged-in connection.</summary>
    public bool IsOnline(LinkedDevice device) => _server.FindOnline(device) is not null;

    /// <summary>Stanzas waiting for the device's next login.</summary>
    public int QueuedFor(LinkedDevice device) => _server.Router.QueuedFor(device);

    /// <summary>Messages and notifications the device's live connection received but has not acknowledged.</summary>
    public int UnackedFor(LinkedDevice device) => _server.Router.UnackedFor(device);

    /// <summary>Whether <paramref name="device"/> has not acknowledged the message <paramref name="id"/> delivered to it yet.</summary>
    public bool IsMessageUnacked(LinkedDevice device, string id) => _server.Router.IsUnacked(device, "message", id);

    /// <summary>One-time prekeys the server still holds for the device (what its <c>encrypt</c> count IQ would answer).</summary>
    public int OneTimePreKeyCount(LinkedDevice device) => device.Keys.OneTimePreKeyCount;

    /// <summary>
    /// Fetches the device's prekey bundle as another account's key IQ would (whatsapp-protocol.md §6.10):
    /// consumes one one-time prekey, and the device gets the low-count notification when that drops it
    /// below the threshold (§5.2). Returns whether the bundle carried a one-time prekey.
    /// </summary>
    public bool FetchPreKeyBundle(LinkedDevice device)
    {
        var key = Stanzas.Children("key", [], [Stanzas.Make("user", ("jid", device.PnJid))]);
        var request = Stanzas.Children("iq", [("id", _server.NextId()), ("xmlns", "encrypt"), ("type", "get"), ("to", Stanzas.ServerJid)], [key]);
        var bundle = _server.Router.PreKeyBundles(request, key);
        return bundle.GetChild("list")?.GetChild("user")?.HasChild("key") == true;
    }

    /// <summary>
    /// The account's phone sends <paramref name="message"/> to its own companion <paramref name="companion"/>,
    /// Signal-encrypted with our Signal code (pkmsg on a session from the companion's bundle), from
    /// the account's device 0 with <c>category="peer"</c> — how WhatsApp's phone sends history sync
    /// notifications and app-state key shares. Delivered now, or queued for the companion's next login.
    /// Returns the message id; the companion's receipts land in <see cref="SimulatedPhone.ReceiptsFromCompanions"/>.
    /// </summary>
    /// <param name="sender">Test-only: another account whose phone sends it instead (a stranger's device 0).</param>
    public string SendFromPhone(LinkedDevice companion, CodeChat.WhatsApp.Proto.Message message, EmulatedAccount? sender = null) =>
        _server.PhoneMessages.Send(companion, message, sender);

    /// <summary>Unlinks a device as the phone would: it gets stream error 401 device_removed and cannot log in again.</summary>
    public void KickDevice(LinkedDevice device)
    {
        if (device.Account.RemoveDevice(device.DeviceId))
        {
            DeviceListNotifications.AnnounceRemoved(_server, device.Account, device.DeviceId);
        }
        if (_server.FindOnline(device) is { } session)
        {
            session.Send(Stanzas.Children("stream:error", [("code", "401")], [Stanzas.Make("conflict", ("type", "device_removed"))]));
            session.CloseAfterPendingSends();
        }
    }

    /// <summary>
    /// Ends the device's live connection with <c>stream:error conflict type="replaced"</c>, as WhatsApp
    /// does when another connection logs in with the same credentials. The device stays linked, so it
    /// can log in again. Returns false when the device had no live connection.
    /// </summary>
    public bool ReplaceConnection(LinkedDevice device)
    {
        if (_server.FindOnline(device) is not { } session)
        {
            return false;
        }

        session.Send(Stanzas.Children("stream:error", [], [Stanzas.Make("conflict", ("type", "replaced"))]));
        session.CloseAfterPendingSends();
        return true;
    }

    /// <summary>Drops one device's live connection (the socket dies, no stream error); false when it had none.</summary>
    public bool DropConnection(LinkedDevice device)
    {
        if (_server.FindOnline(device) is not { } session)
        {
            return false;
        }

        session.Abort();
        return true;
    }

    /// <summary>Holds back every message for <paramref name="device"/> until <see cref="ReleaseHeldMessages"/> (to test out-of-order delivery).</summary>
    public void HoldMessages(LinkedDevice device) => _server.Router.HoldMessages(device);

    /// <summary>Corrupts every message ciphertext delivered to <paramref name="device"/> from now on (false stops it): an undecryptable stanza.</summary>
    public void CorruptMessages(LinkedDevice device, bool corrupt = true) => _server.Router.CorruptMessages(device, corrupt);

    /// <summary>Holds back the server's acks of messages <paramref name="device"/> sends (the messages are still delivered) until <see cref="ReleaseAcks"/>.</summary>
    public void HoldAcks(LinkedDevice device) => _server.Router.HoldAcks(device);

    /// <summary>How many acks are held back for <paramref name="device"/>.</summary>
    public int HeldAcksFor(LinkedDevice device) => _server.Router.HeldAcksFor(device);

    /// <summary>Sends the held acks of <paramref name="device"/> and stops holding them.</summary>
    public void ReleaseAcks(LinkedDevice device) => _server.Router.ReleaseAcks(device);

    /// <summary>Messages held back for <paramref name="device"/>.</summary>
    public int HeldMessagesFor(LinkedDevice device) => _server.Router.HeldFor(device);

    /// <summary>Delivers the held messages in an order shuffled with <paramref name="seed"/>, and stops holding.</summary>
    public void ReleaseHeldMessages(LinkedDevice device, int seed) => _server.Router.ReleaseHeld(device, new Random(seed));

    /// <summary>Drops every live connection at once (clients see the socket die, no stream error).</summary>
    public Task DropAllConnectionsAsync()
    {
        foreach (var live in _connections.Values)
        {
            live.Abort();
        }

        return Task.CompletedTask;
    }

    internal async Task AcceptAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var record = new ConnectionRecord(
            Interlocked.Increment(ref _nextConnectionId),
            DateTimeOffset.UtcNow,
            context.Request.Headers.Origin.ToString() is { Length: > 0 } origin ? origin : null,
            context.Connection.RemoteIpAddress + ":" + context.Connection.RemotePort);
        _connectionLog.Enqueue(record);
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        var live = new LiveConnection(socket, abort);
        _connections[record.Id] = live;
        _logger.LogInformation("Connection {ConnectionId} accepted from {Remote} (origin {Origin})", record.Id, record.RemoteEndpoint, record.Origin);
        try
        {
            await ServeAsync(record, socket, abort.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
            _logger.LogDebug("Connection {ConnectionId} ended: {Reason}", record.Id, ex.Message);
        }
        catch (Exception ex)
        {
            // One misbehaving client must never take the emulator down for the others.
            _logger.LogWarning(ex, "Connection {ConnectionId} failed", record.Id);
        }
        finally
        {
            _connections.TryRemove(record.Id, out _);
            _logger.LogInformation("Connection {ConnectionId} closed", record.Id);
        }
    }

    private async Task ServeAsync(ConnectionRecord record, WebSocket socket, CancellationToken cancellationToken)
    {
        var (transport, payload) = await NoiseChatTransport.AcceptAsync(socket, Certificates, Options, _logger, cancellationToken);
        await using (transport)
        {
            var session = new ChatSession(_server, record.Id, transport, _logger);
            await session.RunAsync(payload, cancellationToken);
        }
    }

    private sealed class LiveConnection(WebSocket socket, CancellationTokenSource abort)
    {
        public void Abort()
        {
            try
            {
                socket.Abort();
                abort.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // the connection ended on its own while we were dropping it
            }
        }
    }
}
