using System.Net;
using System.Net.Sockets;
using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Client;
using CodeChat.WhatsApp.Crypto;
using CodeChat.WhatsApp.Proto;
using CodeChat.WhatsApp.ServerSide;
using CodeChat.WhatsApp.Socket;
using CodeChat.WhatsApp.Store;

namespace CodeChat.WhatsApp.Tests.Client;

/// <summary>
/// WaClient over the real WebSocket + Noise transport against a minimal loopback responder with its
/// own certificate root: proves the endpoint/trusted-root configuration switch (whatsapp-protocol.md §2.6).
/// </summary>
public sealed class NoiseLoopbackTests : IAsyncDisposable
{
    private readonly Curve25519KeyPair _root = Curve25519KeyPair.Generate();
    private readonly Curve25519KeyPair _serverStatic = Curve25519KeyPair.Generate();
    private readonly HttpListener _listener = new();
    private readonly Uri _url;

    public NoiseLoopbackTests()
    {
        var port = FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/ws/chat/");
        _listener.Start();
        _url = new Uri($"ws://127.0.0.1:{port}/ws/chat/");
    }

    [Fact]
    public async Task Registers_over_noise_and_shows_a_qr_code()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = new InMemoryDeviceStore();
        await using var client = new WaClient(new WaClientOptions { Url = _url, TrustedRootPublicKey = _root.PublicKey }, store);
        var accept = AcceptAsync(ct);

        await client.ConnectAsync(ct);
        await using var server = await accept;

        var payload = ClientPayload.Parser.ParseFrom(server.ClientPayload.Span);
        Assert.NotNull(payload.DevicePairingData);
        var credentials = (await store.LoadCredentialsAsync(ct))!;
        Assert.Equal(credentials.NoiseKey.PublicKey, server.RemoteStaticKey.Raw32.ToArray());

        await server.SendAsync(WaBinaryEncoder.Encode(new Node("iq", [new("from", Jid.ServerJid), new("type", "set"), new("id", "pd"), new("xmlns", "md")],
            new Node("pair-device", default, new Node("ref", default, "2@loopback"u8.ToArray())))), ct);

        var ack = WaBinaryDecoder.Decode((await server.Frames.ReadAsync(ct)).Span);
        Assert.Equal("pd", ack.GetAttribute("id"));
        await foreach (var wa in client.ReadEventsAsync(ct))
        {
            if (wa is QrCodeEvent qr)
            {
                Assert.StartsWith("https://wa.me/settings/linked_devices#2@loopback,", qr.Code);
                break;
            }
        }
    }

    [Fact]
    public async Task Refuses_a_server_whose_chain_is_not_signed_by_the_trusted_root()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var client = new WaClient(
            new WaClientOptions { Url = _url, TrustedRootPublicKey = Curve25519KeyPair.Generate().PublicKey },
            new InMemoryDeviceStore());
        var accept = AcceptAsync(ct);

        await Assert.ThrowsAsync<ServerCertificateException>(() => client.ConnectAsync(ct));
        await Assert.ThrowsAnyAsync<Exception>(() => accept);
    }

    private async Task<NoiseSocket> AcceptAsync(CancellationToken cancellationToken)
    {
        var context = await _listener.GetContextAsync().WaitAsync(cancellationToken);
        var webSocket = await context.AcceptWebSocketAsync(subProtocol: null);
        var now = DateTimeOffset.UtcNow;
        var options = new NoiseServerOptions
        {
            StaticKey = _serverStatic,
            CertificateChain = CertificateChainBuilder.Build(_root, Curve25519KeyPair.Generate(), _serverStatic.PublicKey, now.AddDays(-1), now.AddDays(1)),
        };
        return await NoiseServerSocket.AcceptAsync(webSocket.WebSocket, options, cancellationToken: cancellationToken);
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    public ValueTask DisposeAsync()
    {
        _listener.Close();
        return ValueTask.CompletedTask;
    }
}
