using System.Collections.Concurrent;
using System.Threading.Channels;
using CodeChat.WaEmulator.Model;
using CodeChat.WhatsApp.Client;
using CodeChat.WhatsApp.Crypto;
using CodeChat.WhatsApp.Proto;
using CodeChat.WhatsApp.Store;

namespace CodeChat.WaEmulator.Tests;

/// <summary>
/// Our <see cref="WaClient"/> as a party in emulator tests: pairs by QR through the emulator's phone,
/// records every message the durable hook was handed, and keeps its events for diagnostics. The
/// store outlives the client, so a test can restart the client on the same state.
/// </summary>
internal sealed class OurClientPeer : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly Channel<IncomingMessage> _stored = Channel.CreateUnbounded<IncomingMessage>();
    private readonly ConcurrentQueue<WaEvent> _events = new();
    private readonly CancellationTokenSource _stop = new();
    private Task _pump = Task.CompletedTask;

    private OurClientPeer(WaEmulatorServer server, InMemoryDeviceStore store)
    {
        Server = server;
        Store = store;
        Client = CreateClient();
    }

    public WaEmulatorServer Server { get; }

    public InMemoryDeviceStore Store { get; }

    public WaClient Client { get; private set; }

    /// <summary>Called by the durable hook; a test sets it to make storing fail.</summary>
    public Func<IncomingMessage, Exception?> StoreFailure { get; set; } = _ => null;

    public IReadOnlyCollection<WaEvent> Events => _events;

    /// <summary>A new client on a fresh store, linked to <paramref name="account"/> by QR; returns once logged in.</summary>
    public static async Task<(OurClientPeer Peer, LinkedDevice Device)> PairAsync(WaEmulatorServer server, EmulatedAccount account, CancellationToken cancellationToken)
    {
        var peer = new OurClientPeer(server, new InMemoryDeviceStore());
        var qr = peer.WaitForEventAsync<QrCodeEvent>(cancellationToken);
        await peer.Client.ConnectAsync(cancellationToken);
        var device = await server.Emulator.ScanQrAsync((await qr).Code, account, cancellationToken);
        await peer.WaitForEventAsync<ConnectedEvent>(cancellationToken);
        return (peer, device);
    }

    /// <summary>Disposes the client and starts a new one on the same store (a host restart).</summary>
    public async Task RestartAsync(CancellationToken cancellationToken)
    {
        await StopClientAsync();
        Client = CreateClient();
        var connected = WaitForEventAsync<ConnectedEvent>(cancellationToken);
        await Client.ConnectAsync(cancellationToken);
        await connected;
    }

    public Task<SendResult> SendTextAsync(string to, string text, CancellationToken cancellationToken) =>
        Client.SendMessageAsync(WhatsApp.Binary.Jid.Parse(to), new Message { Conversation = text }, cancellationToken);

    /// <summary>The next message the durable hook stored.</summary>
    public async Task<IncomingMessage> NextStoredAsync(CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(Timeout);
        try
        {
            return await _stored.Reader.ReadAsync(limit.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"No stored message within {Timeout}; events: {Describe()}");
        }
    }

    public async Task<T> WaitForEventAsync<T>(CancellationToken cancellationToken, Func<T, bool>? match = null) where T : WaEvent
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_events.OfType<T>().FirstOrDefault(e => match?.Invoke(e) ?? true) is { } found)
            {
                return found;
            }
            await Task.Delay(20, cancellationToken);
        }
        throw new TimeoutException($"No {typeof(T).Name} within {Timeout}; events: {Describe()}");
    }

    public string Describe() => string.Join(", ", _events.Where(e => e is not NodeReceivedEvent).TakeLast(30));

    public async ValueTask DisposeAsync()
    {
        await StopClientAsync();
        _stop.Dispose();
    }

    private WaClient CreateClient()
    {
        var options = new WaClientOptions
        {
            Url = Server.WebSocketUrl,
            TrustedRootPublicKey = Curve25519PublicKey.FromBytes(Server.Emulator.Certificates.RootPublicKey.Span),
            ReconnectBaseDelay = TimeSpan.FromMilliseconds(100),
            ReconnectMaxDelay = TimeSpan.FromSeconds(1),
            RaiseNodeReceived = false,
            StoreIncomingMessageAsync = async (message, token) =>
            {
                if (StoreFailure(message) is { } failure)
                {
                    throw failure;
                }
                await _stored.Writer.WriteAsync(message, token);
            },
        };
        var client = new WaClient(options, Store);
        _events.Clear();
        _pump = Task.Run(async () =>
        {
            await foreach (var e in client.ReadEventsAsync(CancellationToken.None))
            {
                _events.Enqueue(e);
            }
        });
        return client;
    }

    private async Task StopClientAsync()
    {
        await Client.DisposeAsync();
        await _pump;
    }
}
