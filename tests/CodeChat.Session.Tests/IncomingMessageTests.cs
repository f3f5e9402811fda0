using System.Text.Json;
using CodeChat.Grains.Abstractions.Events;
using CodeChat.Grains.Abstractions.Messages;
using CodeChat.Grains.Storage;
using CodeChat.Testing;
using Npgsql;

namespace CodeChat.Session.Tests;

/// <summary>
/// A message from Baileys 7 to our instance, through the real silo and the emulator: decrypted,
/// stored in the message table with its <c>new.message</c> event in the outbox, and only then
/// confirmed, so Baileys sees it delivered.
/// </summary>
public sealed class IncomingMessageTests(PostgresServerFixture postgres, EmulatorFixture emulator, BaileysInteropPackages packages)
    : IClassFixture<EmulatorFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_message_from_Baileys_is_stored_and_raised_as_new_message_before_Baileys_sees_it_delivered()
    {
        Assert.NotNull(packages);
        var connectionString = await postgres.CreateDatabaseAsync(Ct);
        await using var host = new SessionHost(connectionString, emulator.Server);
        var name = "inbox-" + Guid.NewGuid().ToString("N")[..8];
        await host.CreateInstanceAsync(name);
        var (_, qr) = await host.ConnectForQrAsync(name);
        var ours = emulator.Emulator.CreateAccount();
        await emulator.Emulator.ScanQrAsync(qr.GetProperty("code").GetString()!, ours, Ct);
        Assert.Equal(200, await host.WaitForStateAsync(name, "open"));

        await using var bob = await BaileysPeer.StartAsync(new BaileysPeerOptions
        {
            Name = "bob",
            EmulatorUrl = emulator.Server.WebSocketUrl,
            TrustedRootKey = emulator.Emulator.Certificates.RootPublicKey,
            ExtraCaCertificatesFile = emulator.Server.MediaCertificateAuthorityFile,
            LogLevel = Environment.GetEnvironmentVariable("BAILEYS_LOG") ?? "silent",
        }, Ct);
        var bobAccount = emulator.Emulator.CreateAccount(pushName: "Bob");
        await bob.ConnectAsync(Ct);
        await emulator.Emulator.ScanQrAsync(await bob.WaitForQrAsync(Ct), bobAccount, Ct);
        await bob.WaitForOpenAsync(Ct);

        var text = "olá from Baileys " + Guid.NewGuid().ToString("N")[..6];
        var messageId = await bob.SendTextAsync(ours.PnJid, text, Ct);

        var delivered = await bob.WaitForEventAsync("receipt", e => e["id"]?.GetValue<string>() == messageId && e["status"]?.GetValue<int>() >= 3, Patience, Ct);
        Assert.NotNull(delivered);

        // Stored before the receipt, so by now both the row and the event exist.
        var events = await host.EventsAsync(name);
        var raised = Assert.Single(events, e => e.Event == InstanceEventNames.NewMessage);
        using var data = JsonDocument.Parse(raised.DataJson);
        var header = data.RootElement.GetProperty("header");
        Assert.Equal(messageId, header.GetProperty("messageId").GetString());
        Assert.False(header.GetProperty("fromMe").GetBoolean());
        // The contact's phone JID names the chat, with its LID beside it, however the stanza was addressed.
        Assert.Equal(bobAccount.PnJid, header.GetProperty("wuid").GetString());
        Assert.Equal(bobAccount.LidJid, header.GetProperty("wuidLid").GetString());
        var body = data.RootElement.GetProperty("body");
        var messageType = body.GetProperty("messageType").GetString()!;
        Assert.Contains(messageType, new[] { "conversation", "extendedTextMessage" });
        var textOut = messageType == "conversation"
            ? body.GetProperty("message").GetProperty("conversation").GetString()
            : body.GetProperty("message").GetProperty("extendedTextMessage").GetProperty("text").GetString();
        Assert.Equal(text, textOut);
        var context = data.RootElement.GetProperty("context");
        Assert.False(context.GetProperty("fromGroup").GetBoolean());
        Assert.InRange(context.GetProperty("messageTimestamp").GetInt64(), DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeSeconds());

        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var stored = await new PostgresMessageStore(dataSource).FindAsync(name, data.RootElement.GetProperty("id").GetInt64(), Ct);
        Assert.NotNull(stored);
        Assert.Equal(new MessageKey(bobAccount.PnJid, messageId, false), stored.Key);
        Assert.Equal(MessageStatus.DeliveryAck, stored.Status);
        Assert.Equal(bobAccount.LidJid, stored.SenderLid);
        Assert.Equal(messageType, stored.MessageType);
    }
}
