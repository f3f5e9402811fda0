using CodeChat.Secrets;
using CodeChat.Silo.Database;
using Microsoft.Extensions.Configuration;

namespace CodeChat.Silo.Secrets;

/// <summary>
/// Where the silo's master key comes from: <c>Security:MasterKey</c> when configured; with the
/// embedded database (one machine) otherwise a key generated once into the data folder
/// (<c>master.key</c>, readable by its owner only), beside <c>postgres.password</c>. With an external
/// database (a cluster) every silo and API host must share one key, so it must be configured.
/// </summary>
public static class SiloMasterKey
{
    public const string FileName = "master.key";

    public static MasterKey Resolve(IConfiguration configuration, CodeChatDatabase database)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(database);
        if (configuration[MasterKey.ConfigurationKey] is { Length: > 0 } configured)
            return MasterKey.FromText(configured);
        if (database.EmbeddedServer is { } embedded)
            return MasterKey.FromText(ReadOrCreate(Path.Combine(embedded.DataDirectory, FileName)));

        throw new MasterKeyException(
            $"{MasterKey.ConfigurationKey} is required with an external database (ConnectionStrings:{CodeChatDatabase.ConnectionStringName}): " +
            "every silo and API host of the cluster needs the same key to read the stored secrets. Generate one " +
            "(`openssl rand -base64 32`) and set it as the environment variable Security__MasterKey on each of them.");
    }

    private static string ReadOrCreate(string path)
    {
        if (File.Exists(path) && File.ReadAllText(path).Trim() is { Length: > 0 } stored)
            return stored;

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var generated = MasterKey.Generate();
        UnixPermissions.WriteOwnerOnly(path, generated);
        return generated;
    }
}
