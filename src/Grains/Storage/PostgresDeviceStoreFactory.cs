using Microsoft.AspNetCore.DataProtection;
using Npgsql;

namespace CodeChat.Grains.Storage;

/// <summary>Hands each instance its own <see cref="PostgresDeviceStore"/> on the silo's database and key ring.</summary>
public sealed class PostgresDeviceStoreFactory(NpgsqlDataSource dataSource, IDataProtectionProvider protection)
{
    public PostgresDeviceStore ForInstance(string instanceName) => new(dataSource, instanceName, protection);
}
