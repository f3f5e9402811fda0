using System.Runtime.CompilerServices;
using System.Threading.Channels;
using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Client;
using CodeChat.WhatsApp.Crypto;
using CodeChat.WhatsApp.Proto;

namespace CodeChat.WhatsApp.Tests.Client;

/// <summary>Loopback stand-in for the Noise transport: the test plays the server on each connection.</summary>
internal sealed class FakeWaConnector : IWaConnector
{
    private readonly Channel<FakeWaConnection> _connections = Channel.CreateUnbounded<FakeWaConnection>();

    public List<ClientPayload> Payloads { get; } = [];

    public int Attempts { get; private set; }

    /// <summary>When set, attempt number n (1-based) throws this instead of connecting.</summary>
    public Func<int, Exception?>? FailAttempt { get; set; }

    public Task<IWaConnection> ConnectAsync(Curve25519KeyPair noiseKey, ClientPayload payload, CancellationToken cancellationToken = default)
    {
        Attempts++;
        if (FailAttempt?.Invoke(Attempts) is { } failure)
        {
            throw failure;
        }
        lock (Payloads)
        {
            Payloads.Add(payload);
        }
        var connection = new FakeWaConnection(noiseKey.PublicKey);
        _connections.Writer.TryWrite(connection);
        return Task.FromResult<IWaConnection>(connection);
    }

    public async Task<FakeWaConnection> NextConnectionAsync(TimeSpan? timeout = null) =>
        await _connections.Reader.ReadAsync().AsTask().WaitAsync(timeout ?? TimeSpan.FromSeconds(10));

    public bool HasPendingConnection => _connections.Reader.TryPeek(out _);
}

internal sealed class FakeWaConnection(Curve25519PublicKey noiseKey) : IWaConnection
{
    private readonly Channel<Node> _toClient = Channel.CreateUnbounded<Node>();
    private readonly Channel<Node> _fromClient = Channel.CreateUnbounded<Node>();

    public Curve25519PublicKey NoiseKey { get; } = noiseKey;

    public bool Closed { get; private set; }

    /// <summary>Answer keepalive pings automatically (on by default) so tests only see the stanzas they care about.</summary>
    public bool AnswerPings { get; set; } = true;

    public int PingsSeen { get; private set; }

    public void Send(Node node) => _toClient.Writer.TryWrite(node);

    public ValueTask SendAsync(Node node, CancellationToken cancellationToken = default)
    {
        if (Closed)
        {
            throw new WaClientException("closed");
        }
        if (node.Tag == "iq" && node.GetAttribute("xmlns") == "w:p")
        {
            PingsSeen++;
            if (AnswerPings)
            {
                Send(Result(node));
            }
            return ValueTask.CompletedTask;
        }
        _fromClient.Writer.TryWrite(node);
        return ValueTask.CompletedTask;
    }

    public async IAsyncEnumerable<Node> ReadNodesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var node in _toClient.Reader.ReadAllAsync(cancellationToken))
        {
            // Round-trip through the real codec so tests exercise what the wire can carry.
            yield return WaBinaryDecoder.Decode(WaBinaryEncoder.Encode(node));
        }
    }

    /// <summary>When set, closing waits for it, so a test can hold the client mid-shutdown.</summary>
    public TaskCompletionSource? HoldClose { get; set; }

    public async Task CloseAsync(CancellationToken cancellationToken = default)
    {
        if (HoldClose is { } hold)
        {
            await hold.Task.WaitAsync(cancellationToken);
        }
        Closed = true;
        _toClient.Writer.TryComplete();
    }

    public ValueTask DisposeAsync()
    {
        Closed = true;
        _toClient.Writer.TryComplete();
        return ValueTask.CompletedTask;
    }

    /// <summary>The next stanza the client sent.</summary>
    public async Task<Node> ReceiveAsync(TimeSpan? timeout = null) =>
        await _fromClient.Reader.ReadAsync().AsTask().WaitAsync(timeout ?? TimeSpan.FromSeconds(10));

    public bool TryReceive(out Node node) => _fromClient.Reader.TryRead(out node!);

    public static Node Result(Node iq, NodeContent content = default) =>
        new("iq", [new("from", Jid.ServerJid), new("id", iq.GetRequiredAttribute("id")), new("type", "result")], content);
}
