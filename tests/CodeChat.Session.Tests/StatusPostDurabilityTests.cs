using CodeChat.Grains.Abstractions.Events;
using CodeChat.Grains.Abstractions.Messages;
using CodeChat.Testing;

namespace CodeChat.Session.Tests;

/// <summary>
/// A status post's audience lives in the instance's activation: a post a dropped connection left
/// PENDING goes out on the next session to the same audience; one a restart left PENDING cannot be
/// posted again and is recorded ERROR with <c>send.message:ERROR</c>, nothing sent.
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
    public async Task A_post_a_restart_interrupted_is_recorded_ERROR_and_not_sent()
    {
        Assert.NotNull(packages);
        await using var instance = await SendingInstance.StartAsync(postgres, emulator.Server, ShortTimeout);
        var (_, bobAccount) = await instance.AddPeerAsync("Bob");

        var sentBefore = instance.MessagesSentByInstance();
        var (status, body) = await instance.SendTextAsync(Status, "lost in a restart", new { delay = 120_000, statusJidList = new[] { bobAccount.Phone } });
        Assert.Equal(202, status);
        var id = body.GetProperty("id").GetInt64();

        await instance.RestartAsync(ShortTimeout);

        var error = await instance.WaitForEventAsync(InstanceEventNames.SendMessageError, d => d.GetProperty("id").GetInt64() == id);
        Assert.Contains("post it again", error.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(Status, error.GetProperty("number").GetString());
        Assert.Equal(MessageStatus.Error, (await instance.StoredAsync(id))!.Status);
        Assert.Equal(sentBefore, instance.MessagesSentByInstance());
        Assert.DoesNotContain(emulator.Emulator.StatusPosts, p => p.Id == body.GetProperty("keyId").GetString());
    }
}
