namespace CodeChat.Silo.Database;

/// <summary>Where and how the private PostgreSQL server runs.</summary>
public sealed class EmbeddedPostgresOptions
{
    /// <summary>The data folder; the cluster lives in <c>&lt;DataDirectory&gt;/postgres</c>.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>The database the application uses; created on first start.</summary>
    public string DatabaseName { get; init; } = "codechat";

    /// <summary>The superuser that initdb creates; the generated password belongs to it.</summary>
    public string UserName { get; init; } = "codechat";

    /// <summary>Folder with initdb/pg_ctl; found automatically when empty.</summary>
    public string? BinDirectory { get; init; }

    /// <summary>
    /// Turns off fsync and synchronous commit. Only for throw-away clusters (tests): a power cut can
    /// corrupt such a cluster.
    /// </summary>
    public bool RelaxDurability { get; init; }

    /// <summary>Connection limit of the server; tests open many pools against one server.</summary>
    public int MaxConnections { get; init; } = 200;
}
