using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using CodeChat.Api.Messages.Media;
using CodeChat.Grains.Abstractions.Events;
using CodeChat.Grains.ClientVersion;
using CodeChat.Grains.Storage;
using CodeChat.Testing;
using CodeChat.WaEmulator;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CodeChat.Session.Tests;

/// <summary>
/// The real silo host (src/Silo Program) on one test database, with its WhatsApp endpoint and trusted
/// root pointed at the emulator. Dispose it and start another on the same database to "restart".
/// </summary>
public sealed class SessionHost : WebApplicationFactory<CodeChat.Silo.Program>
{
    public const string GlobalApiKey = "session-tests-global-key-0123456789";

    private readonly string _connectionString;
    private readonly WaEmulatorServer _emulator;
    private readonly TimeSpan? _qrTimeout;
    private readonly Uri? _endpoint;
    private readonly IReadOnlyDictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _services;

    /// <param name="endpoint">Where the client connects instead of the emulator itself (e.g. a relay to it).</param>
    /// <param name="settings">Configuration on top of the defaults (e.g. the WhatsApp:Version* keys).</param>
    /// <param name="services">Replaces services after the silo registered its own (test seams).</param>
    /// <param name="listenOnLoopback">Serve on a real loopback port (Kestrel) instead of in memory, for a browser to call.</param>
    public SessionHost(string connectionString, WaEmulatorServer emulator, TimeSpan? qrTimeout = null, Uri? endpoint = null,
        IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null, bool listenOnLoopback = false)
    {
        if (listenOnLoopback)
            UseKestrel(0);
        _connectionString = connectionString;
        _emulator = emulator;
        _qrTimeout = qrTimeout;
        _endpoint = endpoint;
        _settings = settings ?? new Dictionary<string, string?>();
        _services = services;
        Http = CreateClient();
        Http.DefaultRequestHeaders.Add("apikey", GlobalApiKey);
    }

    public HttpClient Http { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:CodeChat"] = _connectionString,
            ["Security:MasterKey"] = TestSecrets.MasterKeyText,
            ["Authentication:GlobalApiKey"] = GlobalApiKey,
            ["Orleans:ClusterId"] = "session-" + Guid.NewGuid().ToString("N")[..8],
            ["Orleans:SiloPort"] = "0",
            ["Orleans:GatewayPort"] = "0",
            ["Orleans:AdvertisedIPAddress"] = "127.0.0.1",
            ["WhatsApp:Url"] = (_endpoint ?? _emulator.WebSocketUrl).ToString(),
            ["WhatsApp:TrustedRootKey"] = Convert.ToHexStringLower(_emulator.Emulator.Certificates.RootPublicKey.Span),
            // Tests never reach WhatsApp: the refresher reads the emulator's service worker or nothing.
            ["WhatsApp:VersionSource"] = "off",
        };
        if (_qrTimeout is { } timeout)
        {
            settings["WhatsApp:QrFirstRefTimeout"] = timeout.ToString("c");
            settings["WhatsApp:QrNextRefTimeout"] = timeout.ToString("c");
        }
        foreach (var (key, value) in _settings)
            settings[key] = value;
        builder.ConfigureAppConfiguration(configuration => configuration.AddInMemoryCollection(settings));
        // The emulator's HTTPS host (its service worker) has a certificate of its own CA; trust that CA only.
        // So do its media hosts: received media is downloaded from them, the media send routes upload to them.
        builder.ConfigureTestServices(services =>
        {
            foreach (var client in new[] { ServiceWorkerVersionFetcher.ClientName, CodeChat.Grains.Messages.MessagingReceiveOptions.MediaHttpClientName, MediaMessageSender.UploadClientName })
            {
                services.AddHttpClient(client).ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
                {
                    SslOptions = { RemoteCertificateValidationCallback = (_, certificate, _, _) => IssuedByEmulator(certificate) },
                });
            }
        });
        if (_services is { } services)
            builder.ConfigureTestServices(services);
    }

    private bool IssuedByEmulator(X509Certificate? certificate)
    {
        if (certificate is null)
            return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(_emulator.MediaCertificateAuthority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = new X509Certificate2(certificate);
        return chain.Build(leaf);
    }

    public async Task CreateInstanceAsync(string name)
    {
        using var response = await Http.PostAsJsonAsync("/instance/create", new { instanceName = name }, Ct);
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
    }

    public async Task<(int Status, JsonElement Body)> GetAsync(string path) => await SendAsync(HttpMethod.Get, path);

    public async Task<(int Status, JsonElement Body)> SendAsync(HttpMethod method, string path)
    {
        using var response = await Http.SendAsync(new HttpRequestMessage(method, path), Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        using var document = JsonDocument.Parse(text.Length == 0 ? "null" : text);
        return ((int)response.StatusCode, document.RootElement.Clone());
    }

    public async Task<(string State, int StatusReason)> ConnectionStateAsync(string name)
    {
        var (status, body) = await GetAsync($"/instance/connectionState/{name}");
        Assert.Equal(200, status);
        return (body.GetProperty("state").GetString()!, body.GetProperty("statusReason").GetInt32());
    }

    /// <summary>
    /// Calls connect until its answer carries a QR code, as a client does: connect waits only about
    /// 3 s for the first code (CodeChat's behaviour), which a loaded machine can take longer to make.
    /// </summary>
    public async Task<(int Status, JsonElement Body)> ConnectForQrAsync(string name, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(90));
        while (true)
        {
            var (status, body) = await GetAsync($"/instance/connect/{name}");
            if (status != 200 || body.TryGetProperty("code", out _) || DateTime.UtcNow > deadline)
                return (status, body);
            await Task.Delay(200, Ct);
        }
    }

    /// <summary>Polls the state route until it shows <paramref name="state"/>; fails after <paramref name="timeout"/>.</summary>
    public async Task<int> WaitForStateAsync(string name, string state, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        (string State, int StatusReason) last = default;
        while (DateTime.UtcNow < deadline)
        {
            last = await ConnectionStateAsync(name);
            if (last.State == state)
                return last.StatusReason;
            await Task.Delay(100, Ct);
        }
        Assert.Fail($"Instance {name} stayed {last.State} ({last.StatusReason}) instead of becoming {state}.");
        return 0;
    }

    public async Task<IReadOnlyList<InstanceEventRecord>> EventsAsync(string name)
    {
        await using var dataSource = NpgsqlDataSource.Create(_connectionString);
        return await new PostgresInstanceEventStore(dataSource, TimeProvider.System).ReadAsync(name, 0, 10_000, Ct);
    }

    public async Task<bool> HasCredentialsAsync(string name)
    {
        await using var dataSource = NpgsqlDataSource.Create(_connectionString);
        await using var command = dataSource.CreateCommand("SELECT count(*) FROM device_credentials WHERE instance_name = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = name });
        return (long)(await command.ExecuteScalarAsync(Ct))! > 0;
    }

    public override async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await base.DisposeAsync();
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;
}
