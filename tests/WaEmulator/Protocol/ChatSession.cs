using System.Threading.Channels;
using CodeChat.WaEmulator.Model;
using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Proto;
using Microsoft.Extensions.Logging;

namespace CodeChat.WaEmulator.Protocol;

/// <summary>
/// One client connection after the Noise handshake: registration (QR pairing) or login, then the
/// post-login stanza loop. Outgoing nodes go through a channel so other sessions can route to this one
/// without waiting on its socket.
/// </summary>
internal sealed class ChatSession
{
    private readonly ChatServer _server;
    private readonly IChatTransport _transport;
    private readonly ILogger _logger;
    private readonly Channel<Node> _outbound = Channel.CreateUnbounded<Node>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _closed = new();

    public ChatSession(ChatServer server, long connectionId, IChatTransport transport, ILogger logger)
    {
        _server = server;
        ConnectionId = connectionId;
        _transport = transport;
        _logger = logger;
    }

    public long ConnectionId { get; }

    /// <summary>The logged-in device, or null while registering.</summary>
    public LinkedDevice? Device { get; private set; }

    public PendingRegistration? Registration { get; private set; }

    public string Label => Device?.PnJid ?? $"conn#{ConnectionId}";

    public ReadOnlyMemory<byte> ClientStaticKey => _transport.ClientStaticKey;

    /// <summary>Queues a node for this client; false when the session is already gone.</summary>
    public bool Send(Node node)
    {
        _server.Journal(StanzaDirection.ToClient, Label, node);
        return _outbound.Writer.TryWrite(node);
    }

    /// <summary>Sends what is queued, then closes the connection.</summary>
    public void CloseAfterPendingSends() => _outbound.Writer.TryComplete();

    /// <summary>Kills the connection at once.</summary>
    public void Abort()
    {
        _outbound.Writer.TryComplete();
        _closed.Cancel();
    }

    public async Task RunAsync(ClientPayload payload, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _closed.Token);
        var token = linked.Token;
        var writer = Task.Run(() => WriteLoopAsync(token), CancellationToken.None);
        try
        {
            if (!AdmitsClientVersion(payload))
            {
                CloseAfterPendingSends();
                await writer;
                return;
            }

            if (payload.DevicePairingData is { } pairing)
            {
                StartRegistration(pairing);
            }
            else if (!Login(payload))
            {
                CloseAfterPendingSends();
                await writer;
                return;
            }

            await ReadLoopAsync(token);
        }
        finally
        {
            _outbound.Writer.TryComplete();
            _server.Detach(this);
            try
            {
                await writer.WaitAsync(TimeSpan.FromSeconds(2), CancellationToken.None);
            }
            catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
            {
                // the client is gone; nothing left to flush
            }
        }
    }

    private async Task ReadLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var node = await _transport.ReceiveAsync(cancellationToken);
            if (node is null)
            {
                return;
            }

            _server.Journal(StanzaDirection.FromClient, Label, node);
            try
            {
                _server.Handle(this, node);
            }
            catch (WaBinaryException ex)
            {
                // A malformed stanza costs the client an error answer, not the connection.
                _logger.LogWarning("{Session}: malformed <{Tag}>: {Error}", Label, node.Tag, ex.Message);
                if (node.Tag == "iq" && node.GetAttribute("id") is not null)
                {
                    Send(Stanzas.Error(node, 400, "bad-request"));
                }
            }
        }
    }

    private async Task WriteLoopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var node in _outbound.Reader.ReadAllAsync(cancellationToken))
            {
                await _transport.SendAsync(node, cancellationToken);
            }

            await _transport.CloseAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is OperationCanceledException or System.Net.WebSockets.WebSocketException or IOException or ObjectDisposedException)
        {
            _logger.LogDebug("{Session}: writer stopped: {Reason}", Label, ex.Message);
        }

        _closed.Cancel();
    }

    private void StartRegistration(ClientPayload.Types.DevicePairingRegistrationData pairing)
    {
        Registration = _server.Pairing.Begin(this, pairing);
        Send(Stanzas.Children(
            "iq",
            [("from", Stanzas.ServerJid), ("type", "set"), ("id", _server.NextId()), ("xmlns", "md")],
            [Stanzas.Children("pair-device", [], Registration.Refs.Select(r => Stanzas.Bytes("ref", System.Text.Encoding.UTF8.GetBytes(r))))]));
    }

    /// <summary>The real server refuses an outdated WhatsApp Web version before looking at the device (405).</summary>
    private bool AdmitsClientVersion(ClientPayload payload)
    {
        var app = payload.UserAgent?.AppVersion;
        var claimed = new WhatsApp.Client.WhatsAppWebVersion(app?.Primary ?? 0, app?.Secondary ?? 0, app?.Tertiary ?? 0);
        if (_server.Versions.Admits(claimed, ConnectionId))
        {
            return true;
        }

        _logger.LogInformation("{Session}: client version {Version} refused as outdated (405)", Label, claimed);
        Send(Stanzas.Make("failure", ("reason", "405"), ("location", "emulator")));
        return false;
    }

    private bool Login(ClientPayload payload)
    {
        var phone = payload.Username.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var device = _server.Directory.FindByPhone(phone)?.FindDevice((int)payload.Device);
        if (device is null || !device.NoisePublicKey.AsSpan().SequenceEqual(_transport.ClientStaticKey.Span))
        {
            // Unknown device or a different noise key: the real server logs such a client out.
            _logger.LogInformation("{Session}: login of {Phone}:{Device} refused (unknown device)", Label, phone, payload.Device);
            Send(Stanzas.Make("failure", ("reason", "401"), ("location", "emulator")));
            return false;
        }

        Device = device;
        _server.Attach(this);
        Send(Stanzas.Make(
            "success",
            ("t", Stanzas.UnixNow()),
            ("props", "1"),
            ("abprops", "1"),
            ("location", "emulator"),
            ("creation", Stanzas.UnixNow()),
            // without lid Baileys 7 wipes creds.me.lid (emulator-notes-baileys7.md row 5)
            ("lid", device.LidJid)));
        _server.Router.FlushOfflineQueue(this);
        return true;
    }
}
