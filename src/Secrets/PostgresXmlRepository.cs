using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Npgsql;
using NpgsqlTypes;

namespace CodeChat.Secrets;

/// <summary>
/// The Data Protection key ring in table <c>data_protection_keys</c> (deploy/sql/0023), so every
/// silo and the stand-alone API host read and extend one ring. Elements are only appended: keys
/// expire and get revoked by new elements, never by deleting old ones, so anything protected with
/// an old key stays readable. The interface is synchronous; Data Protection caches the ring and
/// reads it again when it meets a key it does not know.
/// </summary>
public sealed class PostgresXmlRepository(NpgsqlDataSource dataSource) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var command = dataSource.CreateCommand("SELECT xml FROM data_protection_keys ORDER BY id");
        using var reader = command.ExecuteReader();
        var elements = new List<XElement>();
        while (reader.Read())
            elements.Add(XElement.Parse(reader.GetString(0)));
        return elements;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);
        using var command = dataSource.CreateCommand("INSERT INTO data_protection_keys (friendly_name, xml) VALUES ($1, $2)");
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)friendlyName ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = element.ToString(SaveOptions.DisableFormatting), NpgsqlDbType = NpgsqlDbType.Text });
        command.ExecuteNonQuery();
    }
}
