using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace CodeChat.Silo.Database;

/// <summary>
/// The product's database as the host sees it: either the server named by
/// <c>ConnectionStrings:CodeChat</c> or an embedded one in <c>CodeChat:DataPath</c> (default ./data).
/// The connection string is known as soon as this object exists, so Orleans and the data source can
/// be configured from it; the server start and the migrations happen in <see cref="StartAsync"/>,
/// which the host runs before Orleans starts.
/// </summary>
public sealed class CodeChatDatabase : IAsyncDisposable
{
    public const string ConnectionStringName = "CodeChat";
    public const string DataPathKey = "CodeChat:DataPath";
    public const string PostgresBinDirectoryKey = "CodeChat:PostgresBinDirectory";
    public const string DefaultDataPath = "./data";

    private readonly EmbeddedPostgresServer? _embedded;
    private readonly DatabaseMigrator _migrator;
    private readonly ILogger<CodeChatDatabase> _logger;
    private readonly Lazy<string> _connectionString;

    public CodeChatDatabase(IConfiguration configuration, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _logger = loggerFactory.CreateLogger<CodeChatDatabase>();
        _migrator = new DatabaseMigrator(logger: loggerFactory.CreateLogger<DatabaseMigrator>());
        var configured = configuration.GetConnectionString(ConnectionStringName);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            Mode = DatabaseMode.External;
            _connectionString = new Lazy<string>(ConnectionPoolBounds.Apply(configured));
            return;
        }

        Mode = DatabaseMode.Embedded;
        _embedded = new EmbeddedPostgresServer(
            new EmbeddedPostgresOptions
            {
                DataDirectory = configuration[DataPathKey] is { Length: > 0 } dataPath ? dataPath : DefaultDataPath,
                BinDirectory = configuration[PostgresBinDirectoryKey],
            },
            loggerFactory.CreateLogger<EmbeddedPostgresServer>());
        _connectionString = new Lazy<string>(() => ConnectionPoolBounds.Apply(_embedded.ConnectionString));
    }

    public DatabaseMode Mode { get; }

    /// <summary>The embedded server, when <see cref="Mode"/> is <see cref="DatabaseMode.Embedded"/>.</summary>
    public EmbeddedPostgresServer? EmbeddedServer => _embedded;

    /// <summary>
    /// The application database's connection string, with <see cref="ConnectionPoolBounds"/> where it
    /// names no pool size or idle lifetime. In embedded mode this decides folder, password and port on
    /// first use (no server is started yet).
    /// </summary>
    public string ConnectionString => _connectionString.Value;

    /// <summary>Host, port and database, never the password: safe for logs.</summary>
    public string Describe()
    {
        var builder = new NpgsqlConnectionStringBuilder(ConnectionString);
        var where = $"{builder.Host}:{builder.Port}/{builder.Database}";
        return Mode == DatabaseMode.Embedded ? $"embedded PostgreSQL {where} (data in {_embedded!.DataDirectory})" : $"external PostgreSQL {where}";
    }

    /// <summary>Starts the embedded server if there is one, then applies pending migrations.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_embedded is not null)
        {
            await _embedded.StartAsync(cancellationToken).ConfigureAwait(false);
        }

        await _migrator.MigrateAsync(ConnectionString, cancellationToken).ConfigureAwait(false);
        _logger.LogDebug("Database ready: {Database}", Describe());
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_embedded is not null)
        {
            await _embedded.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_embedded is not null)
        {
            await _embedded.DisposeAsync().ConfigureAwait(false);
        }
    }
}
