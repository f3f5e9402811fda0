using System.Text.Json.Nodes;
using CodeChat.Grains.Abstractions.Events;
using CodeChat.Testing;
using static CodeChat.Session.Tests.AppStateTestSupport;

namespace CodeChat.Session.Tests;

/// <summary>
/// The missing-key path of app state through the real silo, PostgreSQL and the emulator's phone, which
/// decrypts its companions' peer messages and answers an APP_STATE_SYNC_KEY_REQUEST with an
/// APP_STATE_SYNC_KEY_SHARE: the phone (Baileys encoding) pushes a patch under a key it never shared →
/// our instance asks its phone for it → the phone shares it → the patch applies and the event fires.
/// Twice: first before any Signal session with the phone exists (the request is a pkmsg on the
/// phone's prekeys), then on the session the phone's share set up.
/// </summary>
public sealed class AppStateKeyRequestTests(PostgresServerFixture postgres, EmulatorFixture emulator, BaileysInteropPackages packages)
    : IClassFixture<EmulatorFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_patch_under_a_key_we_lack_makes_us_ask_the_phone_which_shares_it_and_the_patch_applies()
    {
        Assert.NotNull(packages);
        await using var scene = await AppStateScene.StartAsync(postgres, emulator);
        var (instance, phone, bobAccount) = (scene.Instance, scene.Phone, scene.Bob);
        var keys = instance.Account.PrimaryPhone.AppStateKeys;
        // The emulated phone holds both keys Baileys (its codec) encodes with; it shares neither yet.
        var (firstId, firstData) = await scene.NewKeyAsync();
        var (secondId, secondData) = await scene.NewKeyAsync();
        keys.Add(firstId, firstData, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        keys.Add(secondId, secondData, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());

        // The phone archives Bob's chat under a key it never shared: nothing can apply until we ask.
        var archive = await phone.EncodeAsync(RegularLow, firstId, ["archive", bobAccount.PnJid],
            new JsonObject { ["timestamp"] = 1_700_000_000_000, ["archiveChatAction"] = new JsonObject { ["archived"] = true } }, 3, false, Ct);
        emulator.Emulator.PushAppStatePatchFromPhone(instance.Account, RegularLow, archive);
        await instance.WaitForEventAsync(InstanceEventNames.ChatsUpdate, e => IsChange(e, bobAccount.PnJid, "archived", true));
        Assert.Contains(keys.Requests, r => r.Companion == instance.Device.PnJid && r.KeyId.AsSpan().SequenceEqual(firstId));
        Assert.True((await ChatRowAsync(instance, bobAccount.PnJid)).GetProperty("archived").GetBoolean());
        Assert.Equal(1L, (await VersionsAsync(instance))[RegularLow]);

        // Again with the second key, now that the phone's share set up a session both ways.
        var pin = await phone.EncodeAsync(RegularLow, secondId, ["pin_v1", bobAccount.PnJid],
            new JsonObject { ["timestamp"] = 1_700_000_100_000, ["pinAction"] = new JsonObject { ["pinned"] = true } }, 5, false, Ct);
        emulator.Emulator.PushAppStatePatchFromPhone(instance.Account, RegularLow, pin);
        await instance.WaitForEventAsync(InstanceEventNames.ChatsUpdate, e => IsChange(e, bobAccount.PnJid, "pinned", 1_700_000_100_000L));
        Assert.Contains(keys.Requests, r => r.Companion == instance.Device.PnJid && r.KeyId.AsSpan().SequenceEqual(secondId));
        Assert.Equal(2L, (await VersionsAsync(instance))[RegularLow]);
        Assert.Equal(2L, await CountAsync(instance, "SELECT count(*) FROM app_state_sync_keys WHERE instance_name = $1"));
        // Each key was asked for once: the share answered it, so no request was repeated. The first
        // request started a session on the phone's prekeys; the second went on the established session.
        Assert.Equal(2, keys.Requests.Count(r => r.Companion == instance.Device.PnJid));
        var requests = instance.Account.PrimaryPhone.Copies.Where(c => c.FromDevice == instance.Device.PnJid).ToList();
        Assert.Equal(["pkmsg", "msg"], requests.Select(c => c.EncType));
        Assert.All(requests, c => Assert.Null(c.Rejection));
    }
}
