using System.Runtime.CompilerServices;
using System.Threading.Channels;
using CodeChat.Grains.Sessions;
using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Client;
using CodeChat.WhatsApp.Crypto;
using CodeChat.WhatsApp.Proto;
using CodeChat.WhatsApp.Store;
using Microsoft.Extensions.Logging.Abstractions;

namespace CodeChat.Session.Tests;

/// <summary>
/// The background pump that carries a session's client events into the grain: a failed hand-over
/// loses that one signal only. A dead pump would leave the instance deaf to every later
/// connect/disconnect while its socket keeps running.
/// </summary>
public sealed class InstanceSessionPumpTests
{
    [Fact]
    public async Task A_delivery_failing_with_a_foreign_cancellation_does_not_stop_the_pump()
    {
        var ct = TestContext.Current.CancellationToken;
        var options = new WaClientOptions
        {
            RaiseNodeReceived = false,
            ReconnectBaseDelay = TimeSpan.FromMilliseconds(20),
            ReconnectMaxDelay = TimeSpan.FromMilliseconds(50),
        };
        var client = new WaClient(options, new InMemoryDeviceStore(), connector: new DroppingConnector());
        var inbox = new FailingOnceInbox();
        var session = new InstanceSession("pump-test", epoch: 1, client, inbox, NullLogger.Instance);
        try
        {
            session.Start(pairingPhoneNumber: null);

            // Every connection drops at once, so the client keeps reporting disconnects.
            var delivered = await inbox.Delivered.Reader.ReadAsync(ct).AsTask().WaitAsync(TimeSpan.FromSeconds(10), ct);
            Assert.Equal(SessionSignalKind.Disconnected, delivered.Signal.Kind);
            Assert.Equal(1, delivered.Epoch);
            Assert.True(inbox.Failures >= 1);
        }
        finally
        {
            await session.DisposeAsync();
        }
    }

    /// <summary>Throws an OperationCanceledException the pump did not ask for on the first signal, then records.</summary>
    private sealed class FailingOnceInbox : IInstanceSessionInbox
    {
        private int _failures;

        public Channel<(long Epoch, SessionSignal Signal)> Delivered { get; } = Channel.CreateUnbounded<(long, SessionSignal)>();

        public int Failures => Volatile.Read(ref _failures);

        public Task DeliverAsync(long epoch, SessionSignal signal)
        {
            if (Interlocked.CompareExchange(ref _failures, 1, 0) == 0)
                throw new OperationCanceledException("A call inside the grain timed out.");
            Delivered.Writer.TryWrite((epoch, signal));
            return Task.CompletedTask;
        }

        public Task<bool> ConfirmSessionOwnershipAsync(long epoch) => Task.FromResult(true);

        // The dropped connection never logs in, so no message can reach the hook.
        public Task AcceptIncomingMessageAsync(long epoch, ReceivedMessage message) =>
            Task.FromException(new InvalidOperationException("No message can arrive on a connection that never logs in."));

        public Task AcceptReceiptAsync(long epoch, SentMessageReceipt receipt) =>
            Task.FromException(new InvalidOperationException("No receipt can arrive on a connection that never logs in."));

        public Task ReportUnprocessableMessageAsync(long epoch, UnprocessableMessage message) =>
            Task.FromException(new InvalidOperationException("No message can arrive on a connection that never logs in."));

        public Task AcceptGroupEventsAsync(long epoch, IReadOnlyList<CodeChat.Grains.Groups.GroupEventData> groupEvents) =>
            Task.FromException(new InvalidOperationException("No notification can arrive on a connection that never logs in."));

        public Task AcceptCallAsync(long epoch, CodeChat.Grains.Contacts.CallEventData call) =>
            Task.FromException(new InvalidOperationException("No call can arrive on a connection that never logs in."));
    }

    private sealed class DroppingConnector : IWaConnector
    {
        public Task<IWaConnection> ConnectAsync(Curve25519KeyPair noiseKey, ClientPayload payload, CancellationToken cancellationToken = default) =>
            Task.FromResult<IWaConnection>(new DroppedConnection());
    }

    /// <summary>A connection the server closes before sending anything.</summary>
    private sealed class DroppedConnection : IWaConnection
    {
        public ValueTask SendAsync(Node node, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public async IAsyncEnumerable<Node> ReadNodesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(10), cancellationToken);
            yield break;
        }

        public Task CloseAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
