using Microsoft.AspNetCore.DataProtection;
using Npgsql;

namespace CodeChat.Grains.Storage;

/// <summary>Hands each instance its own <see cref="PostgresDeviceStore"/>, Signal session store and sender-key store on the silo's database and key ring.</summary>
public sealed class PostgresDeviceStoreFactory(NpgsqlDataSource dataSource, IDataProtectionProvider protection)
{
    public PostgresDeviceStore ForInstance(string instanceName) => new(dataSource, instanceName, protection);

    /// <summary>The instance's Signal sessions, encrypted at rest; the device store's wipe and purge remove them too.</summary>
    public PostgresSignalSessionStore SessionsForInstance(string instanceName) => new(dataSource, instanceName, protection);

    /// <summary>The instance's group sender keys, encrypted at rest; the device store's wipe and purge remove them too.</summary>
    public PostgresSenderKeyStore SenderKeysForInstance(string instanceName) => new(dataSource, instanceName, protection);
}
