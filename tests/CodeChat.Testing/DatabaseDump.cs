using System.Text;
using Npgsql;

namespace CodeChat.Testing;

/// <summary>
/// What a stolen copy of the database shows: every row of every table of the public schema as
/// PostgreSQL prints it (bytea as \x-hex, json as text), one line per row.
/// </summary>
public static class DatabaseDump
{
    public static async Task<string> ReadAllAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        var tables = new List<string>();
        await using (var list = dataSource.CreateCommand(
            "SELECT quote_ident(table_name) FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1"))
        await using (var reader = await list.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
                tables.Add(reader.GetString(0));
        }

        var dump = new StringBuilder();
        foreach (var table in tables)
        {
            await using var rows = dataSource.CreateCommand($"SELECT t::text FROM {table} AS t");
            await using var reader = await rows.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                dump.Append(table).Append(": ").AppendLine(reader.GetString(0));
        }

        return dump.ToString();
    }

    /// <summary>The spellings a secret may take in a dump: hex (as bytea prints), base64 and base64url.</summary>
    public static IEnumerable<string> Spellings(byte[] secret)
    {
        yield return Convert.ToHexStringLower(secret);
        var base64 = Convert.ToBase64String(secret);
        yield return base64.TrimEnd('=');
        yield return base64.TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }
}
