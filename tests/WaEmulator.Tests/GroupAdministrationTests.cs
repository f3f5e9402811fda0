using System.Text.Json.Nodes;
using CodeChat.Testing;
using CodeChat.WaEmulator.Protocol;

namespace CodeChat.WaEmulator.Tests;

/// <summary>
/// Group administration with unmodified Baileys clients: the w:g2 IQs (whatsapp-protocol.md §10.1) and the
/// w:gp2 notifications Baileys turns into group-participants.update / groups.update (§10.2).
/// </summary>
public sealed class GroupAdministrationTests(BaileysInteropPackages packages)
{
    [Fact]
    public async Task Participants_are_added_promoted_demoted_and_removed_and_everyone_sees_it()
    {
        Assert.NotNull(packages);
        var ct = TestContext.Current.CancellationToken;
        await using var fixture = await EmulatorFixture.StartAsync(ct);
        var (alice, bob, carol) = (fixture.Emulator.CreateAccount(), fixture.Emulator.CreateAccount(), fixture.Emulator.CreateAccount());
        var peerA = await fixture.StartPeerAsync("alice", ct);
        var peerB = await fixture.StartPeerAsync("bob", ct);
        var peerC = await fixture.StartPeerAsync("carol", ct);
        await fixture.PairAsync(peerA, alice, ct);
        await fixture.PairAsync(peerB, bob, ct);
        var carolDevice = await fixture.PairAsync(peerC, carol, ct);

        var gid = (await peerA.CommandAsync("groupCreate", new { subject = "admins", participants = new[] { bob.PnJid } }, cancellationToken: ct))["gid"]!.GetValue<string>();

        // a member who is not an admin may not add anyone (401 for the whole IQ)
        var refused = await Assert.ThrowsAsync<BaileysPeerException>(() =>
            peerB.CommandAsync("groupUpdateParticipants", new { jid = gid, participants = new[] { carol.PnJid }, action = "add" }, cancellationToken: ct));
        Assert.Contains("not-authorized", refused.Message, StringComparison.Ordinal);

        // the admin adds carol; bob is already in: per-participant codes 200 and 409
        var added = await peerA.CommandAsync("groupUpdateParticipants", new { jid = gid, participants = new[] { carol.PnJid, bob.PnJid }, action = "add" }, cancellationToken: ct);
        Assert.Equal(["200", "409"], StatusesOf(added));
        var seenByBob = await WaitForGroupEventAsync(peerB, gid, "participants", e => e["action"]!.GetValue<string>() == "add", ct);
        Assert.Equal([carol.PnJid], Strings(seenByBob["participants"]));
        Assert.Equal(alice.PnJid, seenByBob["author"]!.GetValue<string>());

        // the new member receives the next group message (her sender key arrives with it)
        await peerA.CommandAsync("sendGroup", new { to = gid, text = "welcome carol" }, cancellationToken: ct);
        var atCarol = await peerC.WaitForTextAsync("welcome carol", cancellationToken: ct);
        Assert.Equal(gid, atCarol["from"]!.GetValue<string>());
        await peerB.WaitForTextAsync("welcome carol", cancellationToken: ct);

        await peerA.CommandAsync("groupUpdateParticipants", new { jid = gid, participants = new[] { bob.PnJid }, action = "promote" }, cancellationToken: ct);
        var promoted = await WaitForGroupEventAsync(peerC, gid, "participants", e => e["action"]!.GetValue<string>() == "promote", ct);
        Assert.Equal([bob.PnJid], Strings(promoted["participants"]));
        var metadata = await peerC.CommandAsync("groupMetadata", new { jid = gid }, cancellationToken: ct);
        Assert.Equal([alice.PnJid, bob.PnJid], Strings(metadata["admins"]));

        await peerA.CommandAsync("groupUpdateParticipants", new { jid = gid, participants = new[] { bob.PnJid }, action = "demote" }, cancellationToken: ct);
        var demoted = await WaitForGroupEventAsync(peerC, gid, "participants", e => e["action"]!.GetValue<string>() == "demote", ct);
        Assert.Equal([bob.PnJid], Strings(demoted["participants"]));

        // removing carol: she hears it, and the next message reaches bob but not her
        var removed = await peerA.CommandAsync("groupUpdateParticipants", new { jid = gid, participants = new[] { carol.PnJid }, action = "remove" }, cancellationToken: ct);
        Assert.Equal(["200"], StatusesOf(removed));
        await WaitForGroupEventAsync(peerC, gid, "participants", e => e["action"]!.GetValue<string>() == "remove", ct);
        var afterRemoval = await peerA.CommandAsync("sendGroup", new { to = gid, text = "carol is gone" }, cancellationToken: ct);
        await peerB.WaitForTextAsync("carol is gone", cancellationToken: ct);
        var messageId = afterRemoval["messageId"]!.GetValue<string>();
        Assert.DoesNotContain(fixture.Emulator.Journal, s => s.Tag == "message" && s.Id == messageId && s.Device == carolDevice.PnJid);
        Assert.DoesNotContain(carol, fixture.Emulator.Groups.Single().Members);
    }

    [Fact]
    public async Task Subject_description_settings_and_invite_links_work_like_WhatsApp()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fixture = await EmulatorFixture.StartAsync(ct);
        var (alice, bob, carol) = (fixture.Emulator.CreateAccount(), fixture.Emulator.CreateAccount(), fixture.Emulator.CreateAccount());
        var peerA = await fixture.StartPeerAsync("alice", ct);
        var peerB = await fixture.StartPeerAsync("bob", ct);
        var peerC = await fixture.StartPeerAsync("carol", ct);
        await fixture.PairAsync(peerA, alice, ct);
        await fixture.PairAsync(peerB, bob, ct);
        await fixture.PairAsync(peerC, carol, ct);
        var gid = (await peerA.CommandAsync("groupCreate", new { subject = "before", participants = new[] { bob.PnJid } }, cancellationToken: ct))["gid"]!.GetValue<string>();

        // an unlocked group lets any member rename it
        await peerB.CommandAsync("groupUpdateSubject", new { jid = gid, subject = "after" }, cancellationToken: ct);
        var renamed = await WaitForGroupEventAsync(peerA, gid, "update", e => e["subject"]?.GetValue<string>() == "after", ct);
        Assert.Equal(bob.PnJid, renamed["author"]!.GetValue<string>());

        // descriptions chain through their ids: Baileys sends the current id as prev
        await peerA.CommandAsync("groupUpdateDescription", new { jid = gid, description = "first" }, cancellationToken: ct);
        await WaitForGroupEventAsync(peerB, gid, "update", e => e["desc"]?.GetValue<string>() == "first", ct);
        var firstId = (await peerB.CommandAsync("groupMetadata", new { jid = gid }, cancellationToken: ct))["descId"]!.GetValue<string>();
        await peerA.CommandAsync("groupUpdateDescription", new { jid = gid, description = "second" }, cancellationToken: ct);
        await WaitForGroupEventAsync(peerB, gid, "update", e => e["desc"]?.GetValue<string>() == "second", ct);
        var metadata = await peerB.CommandAsync("groupMetadata", new { jid = gid }, cancellationToken: ct);
        Assert.Equal("second", metadata["desc"]!.GetValue<string>());
        Assert.NotEqual(firstId, metadata["descId"]!.GetValue<string>());

        // settings are for admins; once locked, members cannot edit the info either
        await Assert.ThrowsAsync<BaileysPeerException>(() => peerB.CommandAsync("groupSettingUpdate", new { jid = gid, setting = "locked" }, cancellationToken: ct));
        await peerA.CommandAsync("groupSettingUpdate", new { jid = gid, setting = "locked" }, cancellationToken: ct);
        await WaitForGroupEventAsync(peerB, gid, "update", e => e["restrict"]?.GetValue<bool>() == true, ct);
        await Assert.ThrowsAsync<BaileysPeerException>(() => peerB.CommandAsync("groupUpdateSubject", new { jid = gid, subject = "no" }, cancellationToken: ct));
        await peerA.CommandAsync("groupSettingUpdate", new { jid = gid, setting = "announcement" }, cancellationToken: ct);
        await WaitForGroupEventAsync(peerB, gid, "update", e => e["announce"]?.GetValue<bool>() == true, ct);
        var group = fixture.Emulator.Groups.Single();
        Assert.True(group.IsLocked);
        Assert.True(group.IsAnnouncement);
        await peerA.CommandAsync("groupSettingUpdate", new { jid = gid, setting = "not_announcement" }, cancellationToken: ct);
        await WaitForGroupEventAsync(peerB, gid, "update", e => e["announce"]?.GetValue<bool>() == false, ct);

        // invite links: only admins see the code; carol joins with it and then hears the group
        await Assert.ThrowsAsync<BaileysPeerException>(() => peerB.CommandAsync("groupInviteCode", new { jid = gid }, cancellationToken: ct));
        var code = (await peerA.CommandAsync("groupInviteCode", new { jid = gid }, cancellationToken: ct))["code"]!.GetValue<string>();
        Assert.Equal(group.InviteCode, code);
        var joined = await peerC.CommandAsync("groupAcceptInvite", new { code }, cancellationToken: ct);
        Assert.Equal(gid, joined["gid"]!.GetValue<string>());
        var joinSeen = await WaitForGroupEventAsync(peerA, gid, "participants", e => e["action"]!.GetValue<string>() == "add", ct);
        Assert.Equal([carol.PnJid], Strings(joinSeen["participants"]));
        await peerA.CommandAsync("sendGroup", new { to = gid, text = "hello joiner" }, cancellationToken: ct);
        await peerC.WaitForTextAsync("hello joiner", cancellationToken: ct);

        // a revoked code is gone (410); the new one is announced
        var fresh = (await peerA.CommandAsync("groupRevokeInvite", new { jid = gid }, cancellationToken: ct))["code"]!.GetValue<string>();
        Assert.NotEqual(code, fresh);
        await WaitForGroupEventAsync(peerB, gid, "update", e => e["inviteCode"]?.GetValue<string>() == fresh, ct);
        var revoked = await Assert.ThrowsAsync<BaileysPeerException>(() => peerB.CommandAsync("groupAcceptInvite", new { code }, cancellationToken: ct));
        Assert.Contains("gone", revoked.Message, StringComparison.Ordinal);

        // bob leaves: the others see him go and he is no longer a member
        await peerB.CommandAsync("groupLeave", new { jid = gid }, cancellationToken: ct);
        var left = await WaitForGroupEventAsync(peerA, gid, "participants", e => e["action"]!.GetValue<string>() == "remove", ct);
        Assert.Equal([bob.PnJid], Strings(left["participants"]));
        Assert.Equal([alice, carol], group.Members);
        Assert.Equal(GroupRole.SuperAdmin, group.RoleOf(alice));
    }

    private static Task<JsonObject> WaitForGroupEventAsync(BaileysPeer peer, string gid, string kind, Func<JsonObject, bool> predicate, CancellationToken cancellationToken) =>
        peer.WaitForEventAsync(
            "group",
            e => e["kind"]?.GetValue<string>() == kind && e["id"]?.GetValue<string>() == gid && predicate(e),
            cancellationToken: cancellationToken);

    private static string[] StatusesOf(JsonObject result) =>
        [.. result["results"]!.AsArray().Select(r => r!["status"]!.GetValue<string>())];

    private static string[] Strings(JsonNode? array) => [.. array!.AsArray().Select(n => n!.GetValue<string>())];
}
