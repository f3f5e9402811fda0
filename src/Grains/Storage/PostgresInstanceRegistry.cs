using CodeChat.Grains.Abstractions.Instances;
using Npgsql;
using NpgsqlTypes;

namespace CodeChat.Grains.Storage;

/// <summary>
/// The <c>instances</c> table (deploy/sql/0010_instances.sql): ids for new instances and the
/// projection that lists instances across silos.
/// </summary>
public sealed class PostgresInstanceRegistry(NpgsqlDataSource dataSource)
{
    private const string Columns =
        "name, id, description, external_attributes, connection_status, owner_jid, profile_pic_url, " +
        "token_id, token_created_at, token_updated_at, created_at, updated_at, token_protected";

    public async Task<long> NextInstanceIdAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT nextval('instance_id_seq')");
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task UpsertAsync(InstanceSnapshot instance, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"""
            INSERT INTO instances ({Columns})
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
            ON CONFLICT (name) DO UPDATE SET
                id = EXCLUDED.id, description = EXCLUDED.description,
                external_attributes = EXCLUDED.external_attributes,
                connection_status = EXCLUDED.connection_status, owner_jid = EXCLUDED.owner_jid,
                profile_pic_url = EXCLUDED.profile_pic_url, token_id = EXCLUDED.token_id,
                token_created_at = EXCLUDED.token_created_at, token_updated_at = EXCLUDED.token_updated_at,
                created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at,
                token_protected = EXCLUDED.token_protected
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = instance.Name });
        command.Parameters.Add(new NpgsqlParameter { Value = instance.Id });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)instance.Description ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)instance.ExternalAttributesJson ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Json });
        command.Parameters.Add(new NpgsqlParameter { Value = instance.ConnectionStatus });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)instance.OwnerJid ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)instance.ProfilePicUrl ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = instance.TokenId });
        command.Parameters.Add(new NpgsqlParameter { Value = instance.TokenCreatedAt.ToUniversalTime() });
        command.Parameters.Add(new NpgsqlParameter { Value = instance.TokenUpdatedAt.ToUniversalTime() });
        command.Parameters.Add(new NpgsqlParameter { Value = instance.CreatedAt.ToUniversalTime() });
        command.Parameters.Add(new NpgsqlParameter { Value = instance.UpdatedAt.ToUniversalTime() });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)instance.ProtectedToken ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<InstanceSnapshot>> ListAsync(string? name, CancellationToken cancellationToken)
    {
        await using var command = name is null
            ? dataSource.CreateCommand($"SELECT {Columns} FROM instances ORDER BY created_at, id")
            : dataSource.CreateCommand($"SELECT {Columns} FROM instances WHERE name = $1");
        if (name is not null)
            command.Parameters.Add(new NpgsqlParameter { Value = name });

        var instances = new List<InstanceSnapshot>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            instances.Add(new InstanceSnapshot
            {
                Name = reader.GetString(0),
                Id = reader.GetInt64(1),
                Description = reader.IsDBNull(2) ? null : reader.GetString(2),
                ExternalAttributesJson = reader.IsDBNull(3) ? null : reader.GetString(3),
                ConnectionStatus = reader.GetString(4),
                OwnerJid = reader.IsDBNull(5) ? null : reader.GetString(5),
                ProfilePicUrl = reader.IsDBNull(6) ? null : reader.GetString(6),
                TokenId = reader.GetString(7),
                TokenCreatedAt = reader.GetFieldValue<DateTimeOffset>(8),
                TokenUpdatedAt = reader.GetFieldValue<DateTimeOffset>(9),
                CreatedAt = reader.GetFieldValue<DateTimeOffset>(10),
                UpdatedAt = reader.GetFieldValue<DateTimeOffset>(11),
                ProtectedToken = reader.IsDBNull(12) ? null : reader.GetString(12),
            });
        }

        return instances;
    }
}
