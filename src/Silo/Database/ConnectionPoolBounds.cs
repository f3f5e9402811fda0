using System.Data.Common;
using Npgsql;

namespace CodeChat.Silo.Database;

/// <summary>
/// Bounds the connection pools a silo opens on its database unless the connection string says
/// otherwise. A silo has two Npgsql pools: the product's <see cref="NpgsqlDataSource"/> and the one
/// Orleans' ADO.NET providers share for the same string. With Npgsql's defaults (100 connections
/// each, idle ones kept 5 minutes) a burst of linkings left ~90 PostgreSQL server processes behind
/// at 100 instances (bench/README.md), each a few MB of the server's memory, for work two cores
/// serve with a handful of connections.
/// </summary>
public static class ConnectionPoolBounds
{
    /// <summary>Per pool: two pools per silo, so at most twice this many server processes for one silo.</summary>
    public const int MaxPoolSize = 20;

    /// <summary>Idle connections above the minimum close after this long (Npgsql's default is 300 s).</summary>
    public const int ConnectionIdleLifetimeSeconds = 30;

    /// <summary>The connection string with the bounds added where it names none of its own.</summary>
    public static string Apply(string connectionString)
    {
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        var keys = given.Keys.Cast<string>().Select(k => k.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant()).ToHashSet();
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!keys.Contains("MAXIMUMPOOLSIZE") && !keys.Contains("MAXPOOLSIZE"))
        {
            builder.MaxPoolSize = MaxPoolSize;
        }

        if (!keys.Contains("CONNECTIONIDLELIFETIME"))
        {
            builder.ConnectionIdleLifetime = ConnectionIdleLifetimeSeconds;
        }

        return builder.ConnectionString;
    }
}
