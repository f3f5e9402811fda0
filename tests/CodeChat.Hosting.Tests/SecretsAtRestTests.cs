using System.Xml.Linq;
using CodeChat.Api.Authentication;
using CodeChat.Grains.Storage;
using CodeChat.Secrets;
using CodeChat.Silo.Database;
using CodeChat.Silo.Secrets;
using CodeChat.Testing;
using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Signal;
using CodeChat.WhatsApp.Signal.Groups;
using CodeChat.WhatsApp.Store;
using Microsoft.AspNetCore.DataProtection;
using CodeChat.Silo.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace CodeChat.Hosting.Tests;

/// <summary>
/// Issue 14 §2: the master key, the key ring in PostgreSQL that every host shares, and the in-place
/// encryption of secrets older versions stored in clear.
/// </summary>
public sealed class SecretsAtRestTests(PostgresServerFixture server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static IConfiguration Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();

    private async Task<NpgsqlDataSource> MigratedDatabaseAsync()
    {
        var dataSource = NpgsqlDataSource.Create(await server.CreateDatabaseAsync(Ct));
        await new DatabaseMigrator().MigrateAsync(dataSource, Ct);
        return dataSource;
    }

    [Fact]
    public void Embedded_mode_generates_the_master_key_once_readable_by_its_owner_only()
    {
        var dataPath = Path.Combine(Path.GetTempPath(), "codechat-masterkey-" + Guid.NewGuid().ToString("N"));
        try
        {
            var configuration = Configuration(new() { [CodeChatDatabase.DataPathKey] = dataPath });
            var database = new CodeChatDatabase(configuration, NullLoggerFactory.Instance);
            Assert.Equal(DatabaseMode.Embedded, database.Mode);

            var first = SiloMasterKey.Resolve(configuration, database);
            var file = Path.Combine(dataPath, SiloMasterKey.FileName);
            Assert.True(File.Exists(file));
            if (!OperatingSystem.IsWindows())
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            var stored = File.ReadAllText(file);
            Assert.True(stored.Trim().Length >= MasterKey.MinimumLength);
            Assert.DoesNotContain(stored.Trim(), first.ToString());

            // A restart reads the same key: what one sealed, the other opens.
            var second = SiloMasterKey.Resolve(configuration, database);
            Assert.Equal(stored, File.ReadAllText(file));
            var element = new XElement("secret", "value");
            var sealedElement = new MasterKeyXmlEncryptor(first).Encrypt(element).EncryptedElement;
            Assert.Equal(element.ToString(), new MasterKeyXmlDecryptor(second).Decrypt(sealedElement).ToString());
        }
        finally
        {
            if (Directory.Exists(dataPath))
                Directory.Delete(dataPath, recursive: true);
        }
    }

    [Fact]
    public void A_configured_master_key_wins_and_a_short_one_is_refused()
    {
        var dataPath = Path.Combine(Path.GetTempPath(), "codechat-masterkey-" + Guid.NewGuid().ToString("N"));
        var configuration = Configuration(new()
        {
            [CodeChatDatabase.DataPathKey] = dataPath,
            [MasterKey.ConfigurationKey] = TestSecrets.MasterKeyText,
        });
        SiloMasterKey.Resolve(configuration, new CodeChatDatabase(configuration, NullLoggerFactory.Instance));
        Assert.False(File.Exists(Path.Combine(dataPath, SiloMasterKey.FileName)));

        var error = Assert.Throws<MasterKeyException>(() => MasterKey.FromText("too-short"));
        Assert.Contains(MasterKey.ConfigurationKey, error.Message);
        Assert.DoesNotContain("too-short", error.Message);
    }

    [Fact]
    public async Task With_an_external_database_a_missing_master_key_stops_the_start_with_a_clear_message()
    {
        // The silo's own wiring (Program prints this exception's message as its one-line start-up error).
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"ConnectionStrings:{CodeChatDatabase.ConnectionStringName}"] = await server.CreateDatabaseAsync(Ct),
        });
        builder.AddCodeChatDatabase();
        builder.AddCodeChatSecrets();
        using var host = builder.Build();

        var exception = await Record.ExceptionAsync(() => host.StartAsync(Ct));

        var problem = CodeChat.Api.Errors.ExceptionChain.FindFirst<MasterKeyException>(exception);
        Assert.NotNull(problem);
        Assert.Contains("Security__MasterKey", problem.Message);
    }

    [Fact]
    public async Task Two_hosts_share_one_key_ring_that_holds_no_key_in_clear_and_only_the_master_key_opens()
    {
        await using var dataSource = await MigratedDatabaseAsync();
        var silo = TestSecrets.DataProtection(dataSource).CreateProtector(SecretPurposes.DeviceCredentials);
        var apiHost = TestSecrets.DataProtection(dataSource).CreateProtector(SecretPurposes.DeviceCredentials);

        var sealedBySilo = silo.Protect("device secret"u8.ToArray());
        Assert.Equal("device secret"u8.ToArray(), apiHost.Unprotect(sealedBySilo));
        // Purposes separate kinds of secret: a device secret does not open as a token.
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() =>
            TestSecrets.DataProtection(dataSource).CreateProtector(SecretPurposes.InstanceToken).Unprotect(sealedBySilo));

        var repository = new PostgresXmlRepository(dataSource);
        var ring = repository.GetAllElements();
        Assert.NotEmpty(ring);
        foreach (var key in ring)
        {
            var xml = key.ToString();
            Assert.Contains("encryptedSecret", xml);
            // Data Protection's own element that holds a key in clear.
            Assert.DoesNotContain(key.Descendants(), element => element.Name.LocalName == "masterKey");
        }

        KeyRingVerifier.Verify(repository, MasterKey.FromText(TestSecrets.MasterKeyText));
        var wrong = Assert.Throws<MasterKeyException>(() =>
            KeyRingVerifier.Verify(repository, MasterKey.FromText(MasterKey.Generate())));
        Assert.Contains(MasterKey.ConfigurationKey, wrong.Message);
    }

    [Fact]
    public async Task Secrets_stored_in_clear_by_older_versions_are_encrypted_in_place_once()
    {
        await using var dataSource = await MigratedDatabaseAsync();
        var credentials = DeviceCredentials.CreateNew() with { Jid = "15551234567:3@s.whatsapp.net", Account = [1, 2, 3] };
        var preKey = PreKeyRecord.Generate(1);
        var signingSecret = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(64));
        await WriteOldFormatAsync(dataSource, "legacy", credentials, preKey, signingSecret);

        var protection = TestSecrets.DataProtection(dataSource);
        var migration = new ProtectStoredSecretsMigration(dataSource, protection, NullLogger<ProtectStoredSecretsMigration>.Instance);
        Assert.True(await migration.ApplyAsync(Ct));
        Assert.False(await migration.ApplyAsync(Ct));

        // Nothing left in clear ...
        var dump = await DatabaseDump.ReadAllAsync(dataSource, Ct);
        foreach (var secret in new[]
                 {
                     credentials.NoiseKey.PrivateKey, credentials.IdentityKey.PrivateKey,
                     credentials.SignedPreKey.KeyPair.PrivateKey, credentials.AdvSecretKey, preKey.KeyPair.PrivateKey,
                 })
        {
            foreach (var spelling in DatabaseDump.Spellings(secret))
                Assert.DoesNotContain(spelling, dump);
        }

        Assert.DoesNotContain(signingSecret.TrimEnd('='), dump);

        // ... and everything still opens through the stores.
        var store = new PostgresDeviceStore(dataSource, "legacy", protection);
        var loaded = await store.LoadCredentialsAsync(Ct);
        Assert.NotNull(loaded);
        Assert.Equal(credentials.NoiseKey.PrivateKey, loaded.NoiseKey.PrivateKey);
        Assert.Equal(credentials.IdentityKey.PrivateKey, loaded.IdentityKey.PrivateKey);
        Assert.Equal(credentials.SignedPreKey.KeyPair.PrivateKey, loaded.SignedPreKey.KeyPair.PrivateKey);
        Assert.Equal(credentials.AdvSecretKey, loaded.AdvSecretKey);
        Assert.Equal(credentials.Jid, loaded.Jid);
        Assert.Equal(preKey.KeyPair.PrivateKey, (await store.GetPreKeyAsync(1, Ct))!.KeyPair.PrivateKey);

        var apiCredentials = new ApiCredentials(
            Options.Create(new CodeChatAuthenticationOptions { GlobalApiKey = "global-key" }),
            new ApiSettingsStore(dataSource), new NoAnnouncer(), protection, NullLogger<ApiCredentials>.Instance);
        Assert.Equal(Convert.FromBase64String(signingSecret), await apiCredentials.GetSigningKeyAsync(Ct));

        // Idempotent even without its schema_version row: a second pass finds nothing in clear.
        await using var connection = await dataSource.OpenConnectionAsync(Ct);
        await using var transaction = await connection.BeginTransactionAsync(Ct);
        Assert.Equal((0, 0, 0), await migration.ProtectAllAsync(connection, transaction, Ct));
    }

    [Fact]
    public async Task Sender_keys_stored_in_clear_by_older_versions_are_encrypted_in_place_once()
    {
        await using var dataSource = await MigratedDatabaseAsync();
        var name = new SenderKeyName(Jid.Parse("120363000000000009@g.us"), new SignalAddress("111111111111111_1", 0));
        var memory = new InMemorySenderKeyStore();
        await new GroupSessionBuilder(memory).CreateAsync(name, Ct);
        var record = (await memory.LoadSenderKeyAsync(name, Ct))!;
        var state = record.CurrentState!;
        await using (var insert = dataSource.CreateCommand(
            "INSERT INTO signal_sender_keys (instance_name, group_jid, address_name, device_id, record) VALUES ('legacy', $1, $2, 0, $3)"))
        {
            insert.Parameters.AddWithValue(name.Group.ToString());
            insert.Parameters.AddWithValue(name.Sender.Name);
            insert.Parameters.AddWithValue(record.Serialize());
            await insert.ExecuteNonQueryAsync(Ct);
        }

        var protection = TestSecrets.DataProtection(dataSource);
        var migration = new ProtectSenderKeysMigration(dataSource, protection, NullLogger<ProtectSenderKeysMigration>.Instance);
        Assert.True(await migration.ApplyAsync(Ct));
        Assert.False(await migration.ApplyAsync(Ct));

        var dump = await DatabaseDump.ReadAllAsync(dataSource, Ct);
        foreach (var secret in new[] { state.ChainKey.Key.ToArray(), state.SigningKeyPair!.PrivateKey.ToArray() })
        {
            foreach (var spelling in DatabaseDump.Spellings(secret))
                Assert.DoesNotContain(spelling, dump);
        }

        var loaded = await new PostgresSenderKeyStore(dataSource, "legacy", protection).LoadSenderKeyAsync(name, Ct);
        Assert.Equal(record.Serialize(), loaded!.Serialize());

        // Idempotent even without its schema_version row: a second pass finds nothing in clear.
        await using var connection = await dataSource.OpenConnectionAsync(Ct);
        await using var transaction = await connection.BeginTransactionAsync(Ct);
        Assert.Equal(0, await migration.ProtectAllAsync(connection, transaction, Ct));
    }

    [Fact]
    public async Task Before_the_migration_runs_the_api_keeps_using_the_old_signing_secret()
    {
        await using var dataSource = await MigratedDatabaseAsync();
        var signingSecret = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(64));
        await InsertSettingAsync(dataSource, ApiSettingsStore.LegacyInstanceTokenSigningSecret, signingSecret);

        var apiCredentials = new ApiCredentials(
            Options.Create(new CodeChatAuthenticationOptions { GlobalApiKey = "global-key" }),
            new ApiSettingsStore(dataSource), new NoAnnouncer(), TestSecrets.DataProtection(dataSource), NullLogger<ApiCredentials>.Instance);

        // Generating a new one would invalidate every token issued so far.
        Assert.Equal(Convert.FromBase64String(signingSecret), await apiCredentials.GetSigningKeyAsync(Ct));
    }

    private static async Task WriteOldFormatAsync(
        NpgsqlDataSource dataSource, string instanceName, DeviceCredentials credentials, PreKeyRecord preKey, string signingSecret)
    {
        // Exactly what PostgresDeviceStore and ApiSettingsStore wrote before 0023.
        await using (var insert = dataSource.CreateCommand(
            "INSERT INTO device_credentials (instance_name, credentials) VALUES ($1, $2::jsonb)"))
        {
            insert.Parameters.Add(new NpgsqlParameter { Value = instanceName });
            insert.Parameters.Add(new NpgsqlParameter
            {
                Value = System.Text.Encoding.UTF8.GetString(DeviceCredentialsJson.Serialize(credentials)), NpgsqlDbType = NpgsqlDbType.Text,
            });
            await insert.ExecuteNonQueryAsync(Ct);
        }

        await using (var insert = dataSource.CreateCommand(
            "INSERT INTO device_prekeys (instance_name, id, public_key, private_key, uploaded) VALUES ($1, $2, $3, $4, true)"))
        {
            insert.Parameters.Add(new NpgsqlParameter { Value = instanceName });
            insert.Parameters.Add(new NpgsqlParameter { Value = (int)preKey.Id });
            insert.Parameters.Add(new NpgsqlParameter { Value = preKey.KeyPair.PublicKey });
            insert.Parameters.Add(new NpgsqlParameter { Value = preKey.KeyPair.PrivateKey });
            await insert.ExecuteNonQueryAsync(Ct);
        }

        await InsertSettingAsync(dataSource, ApiSettingsStore.LegacyInstanceTokenSigningSecret, signingSecret);
    }

    private static async Task InsertSettingAsync(NpgsqlDataSource dataSource, string key, string value)
    {
        await using var insert = dataSource.CreateCommand("INSERT INTO api_settings (key, value) VALUES ($1, $2)");
        insert.Parameters.Add(new NpgsqlParameter { Value = key });
        insert.Parameters.Add(new NpgsqlParameter { Value = value });
        await insert.ExecuteNonQueryAsync(Ct);
    }

    private sealed class NoAnnouncer : IGeneratedApiKeyAnnouncer
    {
        public void Announce(string globalApiKey) => throw new InvalidOperationException("A global key is configured.");
    }
}
