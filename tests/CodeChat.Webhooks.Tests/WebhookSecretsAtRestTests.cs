using CodeChat.Grains.Storage;
using CodeChat.Grains.Webhooks;
using CodeChat.Silo.Database;
using CodeChat.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace CodeChat.Webhooks.Tests;

/// <summary>
/// Webhook signing secrets are stored only encrypted (Data Protection, as the other secrets at rest):
/// what <c>webhook/set</c> writes, and rows older versions wrote in clear, once migrated.
/// </summary>
public sealed class WebhookSecretsAtRestTests(PostgresServerFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Secrets_set_and_rotated_through_the_api_are_stored_encrypted_and_still_sign()
    {
        var connectionString = await postgres.CreateDatabaseAsync(Ct);
        await using var silo = new WebhookSilo(connectionString);
        await using var receiver = await WebhookReceiver.StartAsync();
        const string name = "secrets-at-rest";
        var (id, _) = await silo.CreateInstanceAsync(name);
        var (_, first) = await silo.SetWebhookAsync(name, $$"""{"url":"{{receiver.Url(name)}}","enabled":true}""");
        var (_, rotated) = await silo.SetWebhookAsync(name, $$"""{"url":"{{receiver.Url(name)}}","enabled":true,"rotateSecret":true}""");
        var secrets = new[] { first.GetProperty("secret").GetString()!, rotated.GetProperty("secret").GetString()! };

        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var dump = await DatabaseDump.ReadAllAsync(dataSource, Ct);
        Assert.Contains("webhook_endpoints: ", dump);
        Assert.DoesNotContain("whsec_", dump);
        foreach (var secret in secrets)
            Assert.DoesNotContain(secret["whsec_".Length..].TrimEnd('='), dump);

        // Both still sign a delivery (the rotated-out one for its grace period).
        await silo.AppendAsync(name, id, "connection.update", $$"""{"instance":"{{name}}","state":"open","statusReason":200}""");
        await receiver.WaitUntilAsync(all => all.Any(r => r.Instance == name && r.Accepted), TimeSpan.FromSeconds(60), "the event");
        var delivered = receiver.AcceptedFor(name).Single();
        Assert.All(secrets, secret => Assert.True(SignatureVerifier.Verify(secret, delivered.Headers, delivered.Body)));
    }

    [Fact]
    public async Task Secrets_stored_in_clear_by_older_versions_are_encrypted_in_place_once()
    {
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync(Ct));
        await new DatabaseMigrator().MigrateAsync(dataSource, Ct);
        var secret = "whsec_" + Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var previous = "whsec_" + Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        await using (var insert = dataSource.CreateCommand(
            """
            INSERT INTO webhook_endpoints (instance_name, instance_id, url, enabled, secret, previous_secret, previous_secret_expires_at)
            VALUES ('legacy', 7, 'https://example.com/hook', true, $1, $2, now() + interval '1 hour'),
                   ('legacy-unrotated', 8, 'https://example.com/hook', true, $1, NULL, NULL)
            """))
        {
            insert.Parameters.Add(new NpgsqlParameter { Value = secret });
            insert.Parameters.Add(new NpgsqlParameter { Value = previous });
            await insert.ExecuteNonQueryAsync(Ct);
        }

        var protection = TestSecrets.DataProtection(dataSource);
        var migration = new ProtectWebhookSecretsMigration(dataSource, protection, NullLogger<ProtectWebhookSecretsMigration>.Instance);
        Assert.True(await migration.ApplyAsync(Ct));
        Assert.False(await migration.ApplyAsync(Ct));

        var dump = await DatabaseDump.ReadAllAsync(dataSource, Ct);
        Assert.DoesNotContain("whsec_", dump);
        Assert.DoesNotContain(secret["whsec_".Length..].TrimEnd('='), dump);
        Assert.DoesNotContain(previous["whsec_".Length..].TrimEnd('='), dump);

        var store = new PostgresWebhookEndpointStore(dataSource, protection);
        var legacy = await store.GetAsync("legacy", Ct);
        Assert.NotNull(legacy);
        Assert.Equal(secret, legacy.Secret);
        Assert.Equal(previous, legacy.PreviousSecret);
        Assert.Equal([secret, previous], legacy.SigningSecrets(DateTimeOffset.UtcNow));
        var unrotated = await store.GetAsync("legacy-unrotated", Ct);
        Assert.Equal(secret, unrotated!.Secret);
        Assert.Null(unrotated.PreviousSecret);

        // Idempotent even without its schema_version row: a second pass finds nothing in clear.
        await using var connection = await dataSource.OpenConnectionAsync(Ct);
        await using var transaction = await connection.BeginTransactionAsync(Ct);
        Assert.Equal(0, await migration.ProtectAllAsync(connection, transaction, Ct));
    }
}
