using CodeChat.Api.Authentication;
using CodeChat.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CodeChat.Api.Tests;

/// <summary>The real silo host (src/Silo Program) on a given PostgreSQL database, served in memory.</summary>
public sealed class SiloApiFactory(string connectionString, string? globalApiKey) : WebApplicationFactory<CodeChat.Silo.Program>
{
    public RecordingApiKeyAnnouncer Announcer { get; } = new();

    /// <summary>The host's log lines: CodeChat categories at every level, the rest from Information up.</summary>
    public RecordingLoggerProvider Logs { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.ConfigureAppConfiguration(configuration => configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:CodeChat"] = connectionString,
            ["Security:MasterKey"] = TestSecrets.MasterKeyText,
            ["Authentication:GlobalApiKey"] = globalApiKey,
            ["Orleans:ClusterId"] = "test-" + Guid.NewGuid().ToString("N")[..8],
            ["Orleans:SiloPort"] = "0",
            ["Orleans:GatewayPort"] = "0",
            ["Orleans:AdvertisedIPAddress"] = "127.0.0.1",
        }));
        builder.ConfigureServices(services => services.AddSingleton<IGeneratedApiKeyAnnouncer>(Announcer));
        // Our own categories at every level, everything else as a production host logs it.
        builder.ConfigureLogging(logging => logging.AddProvider(Logs)
            .AddFilter<RecordingLoggerProvider>(null, LogLevel.Information)
            .AddFilter<RecordingLoggerProvider>("CodeChat", LogLevel.Trace));
    }
}

public sealed class RecordingApiKeyAnnouncer : IGeneratedApiKeyAnnouncer
{
    private readonly List<string> keys = [];

    public IReadOnlyList<string> Keys { get { lock (keys) return [.. keys]; } }

    public void Announce(string globalApiKey)
    {
        lock (keys)
            keys.Add(globalApiKey);
    }
}

/// <summary>One silo host with a configured global key on a fresh database of the shared server, for a test class.</summary>
public sealed class SiloApiFixture(PostgresServerFixture postgres) : IAsyncLifetime
{
    public const string GlobalApiKey = "test-global-key-0123456789";

    public SiloApiFactory Factory { get; private set; } = null!;

    /// <summary>The host's database, for tests that read or seed tables no route reaches yet.</summary>
    public string ConnectionString { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        ConnectionString = await postgres.CreateDatabaseAsync();
        Factory = new SiloApiFactory(ConnectionString, GlobalApiKey);
        Factory.CreateClient().Dispose(); // starts the host
    }

    public async ValueTask DisposeAsync() => await Factory.DisposeAsync();
}
