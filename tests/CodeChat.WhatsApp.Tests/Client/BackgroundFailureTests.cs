using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Client;
using CodeChat.WhatsApp.Store;
using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace CodeChat.WhatsApp.Tests.Client;

/// <summary>
/// Work the client runs beside the reader loop (post-login prekey upload, pairing steps) may hit a
/// failing store. Such a failure must stay inside that connection: the client still reports the
/// disconnect and reconnects, instead of its run loop dying silently.
/// </summary>
public sealed class BackgroundFailureTests
{
    // Every wait is for an event; the limit only bounds a hang, sized for a loaded 2-core CI machine.
    private static readonly TimeSpan EventLimit = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_store_failure_during_the_prekey_upload_does_not_stop_reconnecting()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = new FailingStore();
        await store.SaveCredentialsAsync(DeviceCredentials.CreateNew() with
        {
            Jid = "15551234567:12@s.whatsapp.net",
            Account = [0x0A, 0x00],
        }, ct);
        var time = new TimerReportingTimeProvider();
        var connector = new FakeWaConnector();
        var options = new WaClientOptions { IqTimeout = TimeSpan.FromMinutes(30), ReconnectJitter = 0 };
        var signalState = new InMemoryDeviceStore();
        await using var client = new WaClient(options, store, signalState, signalState, null, time, connector);
        await client.ConnectAsync(ct);
        var connection = await connector.NextConnectionAsync(EventLimit);

        connection.Send(new Node("success", [new("t", "1700000000")]));
        var active = await connection.ReceiveAsync(EventLimit);
        connection.Send(FakeWaConnection.Result(active));
        var count = await connection.ReceiveAsync(EventLimit);
        // The server has no prekeys: the client asks the store for new ones, which fails.
        connection.Send(FakeWaConnection.Result(count, new Node("count", [new("value", "0")])));
        await store.PreKeyFailure.Task.WaitAsync(EventLimit, ct);

        time.DrainCreated();
        connection.Send(new Node("stream:error", [new("code", "503")]));

        using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
        wait.CancelAfter(EventLimit);
        DisconnectedEvent? disconnected = null;
        while (disconnected is null)
        {
            if (await client.Events.ReadAsync(wait.Token) is DisconnectedEvent next)
                disconnected = next;
        }
        Assert.True(disconnected.WillReconnect);
        // The back-off (1 s, no jitter) must be sleeping on the fake clock before it is advanced, or the
        // advance is lost and the reconnect never comes: wait for that timer, then move past it.
        await time.WaitForTimerAsync(TimeSpan.FromSeconds(1), wait.Token);
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.NotNull(await connector.NextConnectionAsync(EventLimit));
    }

    [Fact]
    public async Task A_privacy_token_that_cannot_be_stored_leaves_its_notification_unacked_on_an_open_connection()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = new FailingStore { FailPreKeys = false, FailingPrivacyTokenSaves = 1 };
        await store.SaveCredentialsAsync(DeviceCredentials.CreateNew() with
        {
            Jid = "15551234567:12@s.whatsapp.net",
            Account = [0x0A, 0x00],
        }, ct);
        var connector = new FakeWaConnector();
        var options = new WaClientOptions { IqTimeout = TimeSpan.FromMinutes(30), ReconnectJitter = 0 };
        var signalState = new InMemoryDeviceStore();
        await using var client = new WaClient(options, store, signalState, signalState, null, new FakeTimeProvider(), connector);
        await client.ConnectAsync(ct);
        var connection = await connector.NextConnectionAsync(EventLimit);
        connection.Send(new Node("success", [new("t", "1700000000")]));

        // The same token twice: the first save fails, the second works. Notifications are handled in
        // order, so the first ack the client sends is for the second one only if the first was never acked.
        static Node TokenNotification(string id) => new("notification",
            [new("from", "15550001111@s.whatsapp.net"), new("id", id), new("type", "privacy_token"), new("t", "1700000001")],
            new List<Node>
            {
                new("tokens", default, new List<Node>
                {
                    new("token", [new("jid", "15551234567@s.whatsapp.net"), new("t", "1700000001"), new("type", "trusted_contact")], new byte[] { 1, 2, 3 }),
                }),
            });
        connection.Send(TokenNotification("token-1"));
        connection.Send(TokenNotification("token-2"));

        Node ack;
        do
        {
            ack = await connection.ReceiveAsync(EventLimit);
        }
        while (ack.Tag != "ack");
        Assert.Equal("token-2", ack.GetAttribute("id"));
        Assert.Equal("notification", ack.GetAttribute("class"));
        Assert.Equal([1, 2, 3], (await store.GetPrivacyTokenAsync(Jid.Parse("15550001111@s.whatsapp.net"), ct))?.Token);
        Assert.False(connection.Closed);
    }

    /// <summary>A fake clock that reports the due time of every timer created on it.</summary>
    private sealed class TimerReportingTimeProvider : FakeTimeProvider
    {
        private readonly Channel<TimeSpan> _created = Channel.CreateUnbounded<TimeSpan>();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = base.CreateTimer(callback, state, dueTime, period);
            _created.Writer.TryWrite(dueTime);
            return timer;
        }

        /// <summary>Forgets the timers created so far.</summary>
        public void DrainCreated()
        {
            while (_created.Reader.TryRead(out _))
            {
            }
        }

        /// <summary>Completes once a timer due after <paramref name="dueTime"/> has been created since the last drain.</summary>
        public async Task WaitForTimerAsync(TimeSpan dueTime, CancellationToken cancellationToken)
        {
            while (await _created.Reader.ReadAsync(cancellationToken) != dueTime)
            {
            }
        }
    }

    /// <summary>
    /// An in-memory store where prekey generation fails like a database that went away, or (when
    /// <see cref="FailingPrivacyTokenSaves"/> is set) the first privacy-token saves fail the same way.
    /// </summary>
    private sealed class FailingStore : IDeviceStore
    {
        private readonly InMemoryDeviceStore _inner = new();
        private int _privacyTokenSaves;

        public TaskCompletionSource PreKeyFailure { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool FailPreKeys { get; init; } = true;

        public int FailingPrivacyTokenSaves { get; init; }

        public ValueTask<IReadOnlyList<PreKeyRecord>> GetOrGeneratePreKeysAsync(int count, CancellationToken cancellationToken = default)
        {
            if (!FailPreKeys)
                return _inner.GetOrGeneratePreKeysAsync(count, cancellationToken);
            PreKeyFailure.TrySetResult();
            throw new InvalidOperationException("The database is unavailable.");
        }

        public ValueTask SaveReceivedPrivacyTokenAsync(Jid contact, byte[] token, DateTimeOffset timestamp, CancellationToken cancellationToken = default) =>
            Interlocked.Increment(ref _privacyTokenSaves) <= FailingPrivacyTokenSaves
                ? throw new InvalidOperationException("The database is unavailable.")
                : _inner.SaveReceivedPrivacyTokenAsync(contact, token, timestamp, cancellationToken);

        public ValueTask<DeviceCredentials?> LoadCredentialsAsync(CancellationToken cancellationToken = default) => _inner.LoadCredentialsAsync(cancellationToken);
        public ValueTask SaveCredentialsAsync(DeviceCredentials credentials, CancellationToken cancellationToken = default) => _inner.SaveCredentialsAsync(credentials, cancellationToken);
        public ValueTask WipeAsync(CancellationToken cancellationToken = default) => _inner.WipeAsync(cancellationToken);
        public ValueTask SaveIdentityAsync(Jid device, byte[] identityKey, CancellationToken cancellationToken = default) => _inner.SaveIdentityAsync(device, identityKey, cancellationToken);
        public ValueTask<byte[]?> GetIdentityAsync(Jid device, CancellationToken cancellationToken = default) => _inner.GetIdentityAsync(device, cancellationToken);
        public ValueTask SaveLidMappingAsync(Jid lid, Jid phoneNumber, CancellationToken cancellationToken = default) => _inner.SaveLidMappingAsync(lid, phoneNumber, cancellationToken);
        public ValueTask<Jid?> GetLidForPhoneNumberAsync(Jid phoneNumber, CancellationToken cancellationToken = default) => _inner.GetLidForPhoneNumberAsync(phoneNumber, cancellationToken);
        public ValueTask<Jid?> GetPhoneNumberForLidAsync(Jid lid, CancellationToken cancellationToken = default) => _inner.GetPhoneNumberForLidAsync(lid, cancellationToken);
        public ValueTask MarkPreKeysUploadedAsync(uint lastId, CancellationToken cancellationToken = default) => _inner.MarkPreKeysUploadedAsync(lastId, cancellationToken);
        public ValueTask<PreKeyRecord?> GetPreKeyAsync(uint id, CancellationToken cancellationToken = default) => _inner.GetPreKeyAsync(id, cancellationToken);
        public ValueTask RemovePreKeyAsync(uint id, CancellationToken cancellationToken = default) => _inner.RemovePreKeyAsync(id, cancellationToken);
        public ValueTask<int> CountUploadedPreKeysAsync(CancellationToken cancellationToken = default) => _inner.CountUploadedPreKeysAsync(cancellationToken);
        public ValueTask<PrivacyTokenRecord?> GetPrivacyTokenAsync(Jid contact, CancellationToken cancellationToken = default) => _inner.GetPrivacyTokenAsync(contact, cancellationToken);
        public ValueTask SaveIssuedPrivacyTokenAsync(Jid contact, DateTimeOffset issuedAt, CancellationToken cancellationToken = default) => _inner.SaveIssuedPrivacyTokenAsync(contact, issuedAt, cancellationToken);
    }
}
