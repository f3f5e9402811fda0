using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CodeChat.Grains.Messages;
using CodeChat.Grains.Storage;
using CodeChat.Testing;
using CodeChat.WaEmulator;
using CodeChat.WaEmulator.Model;
using CodeChat.WaEmulator.Protocol;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CodeChat.Session.Tests;

/// <summary>
/// An open instance on a real silo host (its own database) and Baileys 7 peers on the same emulator,
/// for the send routes' tests: <see cref="StartAsync"/> pairs the instance, <see cref="AddPeerAsync"/>
/// pairs a Baileys account.
/// </summary>
public sealed class SendingInstance : IAsyncDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    private readonly List<BaileysPeer> _peers = [];

    private SendingInstance(string connectionString, WaEmulatorServer emulator, SessionHost host, string name, EmulatedAccount account, LinkedDevice device)
    {
        ConnectionString = connectionString;
        Emulator = emulator;
        Host = host;
        Name = name;
        Account = account;
        Device = device;
    }

    public string ConnectionString { get; }

    public WaEmulatorServer Emulator { get; }

    public SessionHost Host { get; private set; }

    public string Name { get; }

    public EmulatedAccount Account { get; }

    public LinkedDevice Device { get; }

    /// <param name="logs">Records every log line of the host, for tests that check what is (never) logged.</param>
    public static async Task<SendingInstance> StartAsync(
        PostgresServerFixture postgres, WaEmulatorServer emulator, IReadOnlyDictionary<string, string?>? settings = null,
        RecordingLoggerProvider? logs = null)
    {
        var connectionString = await postgres.CreateDatabaseAsync(Ct);
        var host = new SessionHost(connectionString, emulator, settings: settings,
            services: logs is null ? null : services => services.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(logs));
        var name = "send-" + Guid.NewGuid().ToString("N")[..8];
        await host.CreateInstanceAsync(name);
        var (_, qr) = await host.ConnectForQrAsync(name);
        var account = emulator.Emulator.CreateAccount(pushName: "Gateway");
        var device = await emulator.Emulator.ScanQrAsync(qr.GetProperty("code").GetString()!, account, Ct);
        Assert.Equal(200, await host.WaitForStateAsync(name, "open", Patience));
        return new SendingInstance(connectionString, emulator, host, name, account, device);
    }

    /// <summary>Stops the host and starts another on the same database: a silo restart.</summary>
    public async Task RestartAsync(IReadOnlyDictionary<string, string?>? settings = null)
    {
        await Host.DisposeAsync();
        Host = new SessionHost(ConnectionString, Emulator, settings: settings);
        Assert.Equal(200, await Host.WaitForStateAsync(Name, "open", Patience));
    }

    public async Task<(BaileysPeer Peer, EmulatedAccount Account)> AddPeerAsync(string name, string? phone = null)
    {
        var peer = await BaileysPeer.StartAsync(new BaileysPeerOptions
        {
            Name = name,
            EmulatorUrl = Emulator.WebSocketUrl,
            TrustedRootKey = Emulator.Emulator.Certificates.RootPublicKey,
            ExtraCaCertificatesFile = Emulator.MediaCertificateAuthorityFile,
            LogLevel = Environment.GetEnvironmentVariable("BAILEYS_LOG") ?? "silent",
        }, Ct);
        _peers.Add(peer);
        var account = Emulator.Emulator.CreateAccount(phone, pushName: name);
        await peer.ConnectAsync(Ct);
        await Emulator.Emulator.ScanQrAsync(await peer.WaitForQrAsync(Ct), account, Ct);
        await peer.WaitForOpenAsync(Ct);
        return (peer, account);
    }

    /// <summary>POSTs <paramref name="body"/> as JSON to <c>/{route}/{instance}</c>; status, body text and elapsed time.</summary>
    public async Task<(int Status, JsonElement Body)> PostAsync(string route, object body, string? instance = null, HttpClient? client = null)
    {
        using var response = await (client ?? Host.Http).PostAsJsonAsync($"{route}/{Uri.EscapeDataString(instance ?? Name)}", body, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        using var document = JsonDocument.Parse(text.Length == 0 ? "null" : text);
        return ((int)response.StatusCode, document.RootElement.Clone());
    }

    /// <summary>
    /// Sends <paramref name="body"/> (JSON, or nothing) with <paramref name="method"/> to
    /// <c>/{route}/{instance}{query}</c>; status and body.
    /// </summary>
    public async Task<(int Status, JsonElement Body)> RequestAsync(HttpMethod method, string route, string query = "", object? body = null)
    {
        using var request = new HttpRequestMessage(method, $"{route}/{Uri.EscapeDataString(Name)}{query}");
        if (body is not null)
            request.Content = JsonContent.Create(body);
        using var response = await Host.Http.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        using var document = JsonDocument.Parse(text.Length == 0 ? "null" : text);
        return ((int)response.StatusCode, document.RootElement.Clone());
    }

    public async Task<(int Status, JsonElement Body)> PostRawAsync(string route, string content, string mediaType)
    {
        using var response = await Host.Http.PostAsync($"{route}/{Uri.EscapeDataString(Name)}", new StringContent(content, Encoding.UTF8, mediaType), Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        using var document = JsonDocument.Parse(text.Length == 0 ? "null" : text);
        return ((int)response.StatusCode, document.RootElement.Clone());
    }

    public Task<(int Status, JsonElement Body)> SendTextAsync(string number, string text, object? options = null) =>
        PostAsync("/message/sendText", options is null
            ? new { number, textMessage = new { text } }
            : new { number, textMessage = new { text }, options });

    public async Task<StoredMessage?> StoredAsync(long id)
    {
        await using var dataSource = NpgsqlDataSource.Create(ConnectionString);
        return await new PostgresMessageStore(dataSource).FindAsync(Name, id, Ct);
    }

    /// <summary>Message stanzas our device has sent to the emulator so far.</summary>
    public int MessagesSentByInstance() =>
        Emulator.Emulator.Journal.Count(e => e.Direction == StanzaDirection.FromClient && e.Tag == "message" && e.Device == Device.PnJid);

    /// <summary>
    /// Polls the outbox until an event matches, among those after the first <paramref name="after"/>
    /// (<see cref="EventCountAsync"/> taken before an action: only what followed it); fails after <see cref="Patience"/>.
    /// </summary>
    public async Task<JsonElement> WaitForEventAsync(string eventName, Func<JsonElement, bool> predicate, int after = 0)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline)
        {
            foreach (var record in (await Host.EventsAsync(Name)).Skip(after))
            {
                if (record.Event != eventName)
                    continue;
                using var data = JsonDocument.Parse(record.DataJson);
                if (predicate(data.RootElement))
                    return data.RootElement.Clone();
            }
            await Task.Delay(100, Ct);
        }
        Assert.Fail($"No {eventName} event matched within {Patience}.");
        return default;
    }

    /// <summary>How many events the outbox holds so far (see <see cref="WaitForEventAsync"/>).</summary>
    public async Task<int> EventCountAsync() => (await Host.EventsAsync(Name)).Count;

    public async ValueTask DisposeAsync()
    {
        foreach (var peer in _peers)
            await peer.DisposeAsync();
        await Host.DisposeAsync();
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;
}
