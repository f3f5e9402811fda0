using Npgsql;

namespace CodeChat.Grains.Storage;

/// <summary>Hands each instance its own <see cref="PostgresDeviceStore"/> on the silo's database.</summary>
public sealed class PostgresDeviceStoreFactory(NpgsqlDataSource dataSource)
{
    public PostgresDeviceStore ForInstance(string instanceName) => new(dataSource, instanceName);
}
