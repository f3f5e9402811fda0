using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Client;
using CodeChat.WhatsApp.Store;
using Microsoft.Extensions.Time.Testing;

namespace CodeChat.WhatsApp.Tests.Client;

/// <summary>
/// Work the client runs beside the reader loop (post-login prekey upload, pairing steps) may hit a
/// failing store. Such a failure must stay inside that connection: the client still reports the
/// disconnect and reconnects, instead of its run loop dying silently.
/// </summary>
public sealed class BackgroundFailureTests
{
    [Fact]
    public async Task A_store_failure_during_the_prekey_upload_does_not_stop_reconnecting()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = new PreKeyFailingStore();
        await store.SaveCredentialsAsync(DeviceCredentials.CreateNew() with
        {
            Jid = "15551234567:12@s.whatsapp.net",
            Account = [0x0A, 0x00],
        }, ct);
        var time = new FakeTimeProvider();
        var connector = new FakeWaConnector();
        var options = new WaClientOptions { IqTimeout = TimeSpan.FromMinutes(30), ReconnectJitter = 0 };
        await using var client = new WaClient(options, store, null, time, connector);
        await client.ConnectAsync(ct);
        var connection = await connector.NextConnectionAsync();

        connection.Send(new Node("success", [new("t", "1700000000")]));
        var active = await connection.ReceiveAsync();
        connection.Send(FakeWaConnection.Result(active));
        var count = await connection.ReceiveAsync();
        // The server has no prekeys: the client asks the store for new ones, which fails.
        connection.Send(FakeWaConnection.Result(count, new Node("count", [new("value", "0")])));
        await store.PreKeyFailure.Task.WaitAsync(TimeSpan.FromSeconds(10), ct);

        connection.Send(new Node("stream:error", [new("code", "503")]));

        using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
        wait.CancelAfter(TimeSpan.FromSeconds(10));
        DisconnectedEvent? disconnected = null;
        while (disconnected is null)
        {
            if (await client.Events.ReadAsync(wait.Token) is DisconnectedEvent next)
                disconnected = next;
        }
        Assert.True(disconnected.WillReconnect);
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.NotNull(await connector.NextConnectionAsync());
    }

    /// <summary>An in-memory store whose prekey generation fails like a database that went away.</summary>
    private sealed class PreKeyFailingStore : IDeviceStore
    {
        private readonly InMemoryDeviceStore _inner = new();

        public TaskCompletionSource PreKeyFailure { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ValueTask<IReadOnlyList<PreKeyRecord>> GetOrGeneratePreKeysAsync(int count, CancellationToken cancellationToken = default)
        {
            PreKeyFailure.TrySetResult();
            throw new InvalidOperationException("The database is unavailable.");
        }

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
    }
}
