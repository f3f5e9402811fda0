using System.Security.Cryptography;
using CodeChat.Grains.Abstractions.Events;
using CodeChat.Testing;
using CodeChat.WaEmulator.Model;
using static CodeChat.Session.Tests.AppStateTestSupport;

namespace CodeChat.Session.Tests;

/// <summary>
/// Where every app-state test starts: a linked instance, the phone's app-state codec (Baileys 7 through
/// <see cref="BaileysAppStatePeer"/>), and Bob, a Baileys contact whose "hello" made his chat and
/// contact exist before app state names them.
/// </summary>
internal sealed class AppStateScene : IAsyncDisposable
{
    private AppStateScene(SendingInstance instance, BaileysAppStatePeer phone, BaileysPeer bobPeer, EmulatedAccount bob, string bobMessageId)
    {
        Instance = instance;
        Phone = phone;
        BobPeer = bobPeer;
        Bob = bob;
        BobMessageId = bobMessageId;
    }

    public SendingInstance Instance { get; }

    public BaileysAppStatePeer Phone { get; }

    public EmulatedAccount Bob { get; }

    /// <summary>Bob's Baileys client, to send more messages.</summary>
    public BaileysPeer BobPeer { get; }

    /// <summary>The id of Bob's "hello", the last message of his chat.</summary>
    public string BobMessageId { get; }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<AppStateScene> StartAsync(PostgresServerFixture postgres, EmulatorFixture emulator, RecordingLoggerProvider? logs = null)
    {
        var instance = await SendingInstance.StartAsync(postgres, emulator.Server, logs: logs);
        BaileysAppStatePeer? phone = null;
        try
        {
            phone = await BaileysAppStatePeer.StartAsync(Ct);
            var (bob, bobAccount) = await instance.AddPeerAsync("Bob");
            var sent = await bob.CommandAsync("send", new { to = instance.Account.PnJid, text = "hello" }, cancellationToken: Ct);
            var bobMessageId = sent["messageId"]!.GetValue<string>();
            await instance.WaitForEventAsync(InstanceEventNames.NewMessage, e => e.GetProperty("header").GetProperty("messageId").GetString() == bobMessageId);
            return new AppStateScene(instance, phone, bob, bobAccount, bobMessageId);
        }
        catch
        {
            if (phone is not null)
                await phone.DisposeAsync();
            await instance.DisposeAsync();
            throw;
        }
    }

    /// <summary>A fresh app-state key the phone's codec (Baileys) holds; nobody else has it yet.</summary>
    public async Task<(byte[] KeyId, byte[] KeyData)> NewKeyAsync()
    {
        var (keyId, keyData) = (RandomNumberGenerator.GetBytes(6), RandomNumberGenerator.GetBytes(32));
        await Phone.AddKeyAsync(keyId, keyData, Ct);
        return (keyId, keyData);
    }

    /// <summary>Our phone shares a fresh key with the instance, as WhatsApp's phone does after linking; returns once it is stored.</summary>
    public async Task<(byte[] KeyId, byte[] KeyData)> ShareNewKeyAsync()
    {
        var key = await NewKeyAsync();
        var stored = await CountAsync(Instance, "SELECT count(*) FROM app_state_sync_keys WHERE instance_name = $1");
        Instance.Emulator.Emulator.SendFromPhone(Instance.Device, KeyShare(key.KeyId, key.KeyData));
        await WaitUntilAsync(async () => await CountAsync(Instance, "SELECT count(*) FROM app_state_sync_keys WHERE instance_name = $1") == stored + 1);
        return key;
    }

    public async ValueTask DisposeAsync()
    {
        await Phone.DisposeAsync();
        await Instance.DisposeAsync();
    }
}
