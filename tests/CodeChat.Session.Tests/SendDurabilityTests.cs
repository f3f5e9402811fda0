using System.Text.Json;
using CodeChat.Grains.Abstractions.Events;
using CodeChat.Grains.Abstractions.Messages;
using CodeChat.Testing;

namespace CodeChat.Session.Tests;

/// <summary>
/// The send timing rule (api-contract.md §6) with a short <c>Messaging:SendTimeout</c>: 202 PENDING when
/// the server's ack is late (the message still arrives and is acked afterwards), and a message accepted
/// but never sent is sent once, with its id, by the next session after a restart.
/// </summary>
public sealed class SendDurabilityTests(PostgresServerFixture postgres, EmulatorFixture emulator, BaileysInteropPackages packages)
    : IClassFixture<EmulatorFixture>
{
    private static readonly Dictionary<string, string?> ShortTimeout = new() { ["Messaging:SendTimeout"] = "00:00:02" };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_late_server_ack_answers_202_PENDING_and_the_send_completes_afterwards()
    {
        Assert.NotNull(packages);
        await using var instance = await SendingInstance.StartAsync(postgres, emulator.Server, ShortTimeout);
        var (bob, bobAccount) = await instance.AddPeerAsync("Bob");
        var text = "held ack " + Guid.NewGuid().ToString("N")[..8];

        emulator.Emulator.HoldAcks(instance.Device);
        (int Status, JsonElement Body) answer;
        try
        {
            answer = await instance.SendTextAsync(bobAccount.Phone, text);
            Assert.Equal(202, answer.Status);
            Assert.Equal("PENDING", answer.Body.GetProperty("status").GetString());
            // Stored PENDING; Bob's delivery receipt may already have overtaken the held ack.
            var stored = await instance.StoredAsync(answer.Body.GetProperty("id").GetInt64());
            Assert.Contains(stored!.Status, new[] { MessageStatus.Pending, MessageStatus.DeliveryAck });
            // Only the ack is late: the message itself went out.
            var received = await bob.WaitForTextAsync(text, SendingInstance.Patience, Ct);
            Assert.Equal(answer.Body.GetProperty("keyId").GetString(), received["id"]!.GetValue<string>());
        }
        finally
        {
            emulator.Emulator.ReleaseAcks(instance.Device);
        }

        var keyId = answer.Body.GetProperty("keyId").GetString();
        await instance.WaitForEventAsync(InstanceEventNames.MessagesUpdate, d =>
            d.GetProperty("update").GetProperty("header").GetProperty("messageId").GetString() == keyId
            && d.GetProperty("update").GetProperty("status").GetString() == "DELIVERY_ACK");
        Assert.True((await instance.StoredAsync(answer.Body.GetProperty("id").GetInt64()))!.Status >= MessageStatus.DeliveryAck);
    }

    [Fact]
    public async Task A_message_accepted_but_never_sent_is_sent_once_with_its_id_after_a_restart()
    {
        Assert.NotNull(packages);
        await using var instance = await SendingInstance.StartAsync(postgres, emulator.Server, ShortTimeout);
        var (bob, bobAccount) = await instance.AddPeerAsync("Bob");
        var text = "survives a restart " + Guid.NewGuid().ToString("N")[..8];

        // A long delay keeps the message from leaving before the restart; the answer comes after the send timeout.
        var sentBefore = instance.MessagesSentByInstance();
        var (status, body) = await instance.SendTextAsync(bobAccount.Phone, text, new { delay = 120_000 });
        Assert.Equal(202, status);
        var id = body.GetProperty("id").GetInt64();
        Assert.Equal(MessageStatus.Pending, (await instance.StoredAsync(id))!.Status);

        await instance.RestartAsync(ShortTimeout);

        var received = await bob.WaitForTextAsync(text, SendingInstance.Patience, Ct);
        Assert.Equal(body.GetProperty("keyId").GetString(), received["id"]!.GetValue<string>());
        // SERVER_ACK, or DELIVERY_ACK when Bob's receipt overtook the server's ack.
        await instance.WaitForEventAsync(InstanceEventNames.MessagesUpdate, d =>
            d.GetProperty("id").GetInt64() == id && d.GetProperty("update").GetProperty("status").GetString() is "SERVER_ACK" or "DELIVERY_ACK");
        // Sent exactly once: one message stanza from our device since the send was accepted.
        Assert.Equal(sentBefore + 1, instance.MessagesSentByInstance());
    }
}
