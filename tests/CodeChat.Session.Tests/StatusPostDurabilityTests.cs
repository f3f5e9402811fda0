using CodeChat.Grains.Abstractions.Events;
using CodeChat.Grains.Abstractions.Messages;
using CodeChat.Testing;
using Npgsql;

namespace CodeChat.Session.Tests;

/// <summary>
/// A status post's audience is stored with the accepted post: a post a dropped connection or a restart
/// left PENDING goes out again to the same audience, and the stored audience is deleted once it is
/// acked; a pending post without one (accepted before it was stored) is recorded ERROR with
/// <c>send.message:ERROR</c>, nothing sent.
/// </summary>
public sealed class StatusPostDurabilityTests(PostgresServerFixture postgres, EmulatorFixture emulator, BaileysInteropPackages packages)
    : IClassFixture<EmulatorFixture>
{
    private const string Status = "status@broadcast";

    private static readonly Dictionary<string, string?> ShortTimeout = new() { ["Messaging:SendTimeout"] = "00:00:02" };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_post_a_dropped_connection_interrupted_goes_out_on_the_next_session_to_its_audience()
    {
        Assert.NotNull(packages);
        await using var instance = await SendingInstance.StartAsync(postgres, emulator.Server, ShortTimeout);
        var (bob, bobAccount) = await instance.AddPeerAsync("Bob");
        var text = "after the drop " + Guid.NewGuid().ToString("N")[..8];

        // The delay holds the post back; the connection dies during it, so it stays PENDING.
        var (status, body) = await instance.SendTextAsync(Status, text, new { delay = 5_000, statusJidList = new[] { bobAccount.Phone } });
        Assert.Equal(202, status);
        var id = body.GetProperty("id").GetInt64();
        Assert.True(emulator.Emulator.DropConnection(instance.Device));

        var received = await bob.WaitForTextAsync(text, SendingInstance.Patience, Ct);
        Assert.Equal(Status, received["from"]!.GetValue<string>());
        Assert.Equal(body.GetProperty("keyId").GetString(), received["id"]!.GetValue<string>());
        await instance.WaitForEventAsync(InstanceEventNames.MessagesUpdate, d =>
            d.GetProperty("id").GetInt64() == id && d.GetProperty("update").GetProperty("status").GetString() is "SERVER_ACK" or "DELIVERY_ACK");
        Assert.Single(emulator.Emulator.StatusPosts, p => p.Id == body.GetProperty("keyId").GetString());
    }

    [Fact]
    public async Task A_post_a_restart_interrupted_goes_out_after_it_to_its_stored_audience_which_is_then_forgotten()
    {
        Assert.NotNull(packages);
        await using var instance = await SendingInstance.StartAsync(postgres, emulator.Server, ShortTimeout);
        var (bob, bobAccount) = await instance.AddPeerAsync("Bob");
        var text = "after the restart " + Guid.NewGuid().ToString("N")[..8];

        var (status, body) = await instance.SendTextAsync(Status, text, new { delay = 120_000, statusJidList = new[] { bobAccount.Phone } });
        Assert.Equal(202, status);
        var id = body.GetProperty("id").GetInt64();
        // Durable with the accepted post, before the 202.
        Assert.Equal([bobAccount.PnJid], await StoredAudienceAsync(instance, id) ?? []);

        await instance.RestartAsync(ShortTimeout);

        var received = await bob.WaitForTextAsync(text, SendingInstance.Patience, Ct);
        Assert.Equal(Status, received["from"]!.GetValue<string>());
        Assert.Equal(body.GetProperty("keyId").GetString(), received["id"]!.GetValue<string>());
        await instance.WaitForEventAsync(InstanceEventNames.MessagesUpdate, d =>
            d.GetProperty("id").GetInt64() == id && d.GetProperty("update").GetProperty("status").GetString() is "SERVER_ACK" or "DELIVERY_ACK");
        var post = Assert.Single(emulator.Emulator.StatusPosts, p => p.Id == body.GetProperty("keyId").GetString());
        Assert.Contains(post.Listed, jid => jid.StartsWith(bobAccount.Phone, StringComparison.Ordinal));
        var deadline = DateTime.UtcNow + SendingInstance.Patience;
        while (await StoredAudienceAsync(instance, id) is not null && DateTime.UtcNow < deadline)
            await Task.Delay(100, Ct);
        Assert.Null(await StoredAudienceAsync(instance, id));
    }

    [Fact]
    public async Task A_pending_post_without_a_stored_audience_is_recorded_ERROR_and_not_sent()
    {
        Assert.NotNull(packages);
        await using var instance = await SendingInstance.StartAsync(postgres, emulator.Server, ShortTimeout);
        var (_, bobAccount) = await instance.AddPeerAsync("Bob");

        var sentBefore = instance.MessagesSentByInstance();
        var (status, body) = await instance.SendTextAsync(Status, "without its audience", new { delay = 120_000, statusJidList = new[] { bobAccount.Phone } });
        Assert.Equal(202, status);
        var id = body.GetProperty("id").GetInt64();
        // As a post accepted before the audience was stored would be.
        await using (var dataSource = NpgsqlDataSource.Create(instance.ConnectionString))
        await using (var delete = dataSource.CreateCommand($"DELETE FROM status_post_audiences WHERE message_id = {id}"))
            Assert.Equal(1, await delete.ExecuteNonQueryAsync(Ct));

        await instance.RestartAsync(ShortTimeout);

        var error = await instance.WaitForEventAsync(InstanceEventNames.SendMessageError, d => d.GetProperty("id").GetInt64() == id);
        Assert.Contains("post it again", error.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(Status, error.GetProperty("number").GetString());
        Assert.Equal(MessageStatus.Error, (await instance.StoredAsync(id))!.Status);
        Assert.Equal(sentBefore, instance.MessagesSentByInstance());
        Assert.DoesNotContain(emulator.Emulator.StatusPosts, p => p.Id == body.GetProperty("keyId").GetString());
    }

    private static async Task<string[]?> StoredAudienceAsync(SendingInstance instance, long messageId)
    {
        await using var dataSource = NpgsqlDataSource.Create(instance.ConnectionString);
        await using var select = dataSource.CreateCommand($"SELECT audience FROM status_post_audiences WHERE message_id = {messageId}");
        return await select.ExecuteScalarAsync(Ct) as string[];
    }
}
