using System.Text.Json;
using System.Text.Json.Nodes;
using CodeChat.Grains.Abstractions.Events;
using CodeChat.Testing;

namespace CodeChat.Session.Tests;

/// <summary>
/// The <c>/group</c> routes through the real HTTP pipeline, the silo, PostgreSQL and the emulator, with
/// Baileys 7 clients as the other members: what the instance records as events and what Baileys sees.
/// </summary>
public sealed class GroupRouteTests(GroupFixture fixture) : IClassFixture<GroupFixture>
{
    private static readonly TimeSpan Patience = SendingInstance.Patience;

    // proto.WebMessageInfo.StubType.CIPHERTEXT in Baileys' WAProto: a message Baileys could not decrypt.
    private const int CiphertextStub = 2;

    private SendingInstance Instance => fixture.Instance;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Unique(string prefix) => prefix + " " + Guid.NewGuid().ToString("N")[..8];

    private async Task<string> CreateAsync(string subject, params string[] participants)
    {
        var (status, body) = await Instance.RequestAsync(HttpMethod.Post, "/group/create", body: new { subject, participants });
        Assert.Equal(201, status);
        return body.GetProperty("groupMetadata").GetProperty("id").GetString()!;
    }

    private Task<JsonObject> BaileysGroupEventAsync(BaileysPeer peer, string kind, string group, Func<JsonObject, bool>? also = null) =>
        peer.WaitForEventAsync("group", e => e["kind"]?.GetValue<string>() == kind && e["id"]?.GetValue<string>() == group && (also?.Invoke(e) ?? true), Patience, Ct);

    private Task<JsonElement> ParticipantEventAsync(string group, string action, string participantPn) =>
        Instance.WaitForEventAsync(InstanceEventNames.GroupParticipantUpdate, d =>
            d.GetProperty("id").GetString() == group && d.GetProperty("action").GetString() == action
            && d.GetProperty("participants").EnumerateArray().Any(p => p.GetProperty("phoneNumber").GetString() == participantPn));

    [Fact]
    public async Task Create_answers_the_metadata_with_pn_and_lid_records_group_upsert_and_both_Baileys_members_see_the_group()
    {
        var subject = Unique("Created");
        var (status, body) = await Instance.RequestAsync(HttpMethod.Post, "/group/create",
            body: new { subject, participants = new[] { fixture.BobAccount.Phone, fixture.CarolAccount.Phone }, description = "Our rules" });

        Assert.Equal(201, status);
        var metadata = body.GetProperty("groupMetadata");
        var group = metadata.GetProperty("id").GetString()!;
        Assert.Matches(@"^\d+@g\.us$", group);
        Assert.Equal(subject, metadata.GetProperty("subject").GetString());
        Assert.Equal("Our rules", metadata.GetProperty("desc").GetString());
        Assert.Equal("pn", metadata.GetProperty("addressingMode").GetString());
        Assert.Equal(3, metadata.GetProperty("size").GetInt32());
        var participants = metadata.GetProperty("participants").EnumerateArray().ToList();
        Assert.Equal(
            new[] { Instance.Account, fixture.BobAccount, fixture.CarolAccount }.Select(a => (a.PnJid, a.LidJid)).Order(),
            participants.Select(p => (p.GetProperty("phoneNumber").GetString()!, p.GetProperty("lid").GetString()!)).Order());
        Assert.Equal("superadmin", participants.Single(p => p.GetProperty("id").GetString() == Instance.Account.PnJid).GetProperty("admin").GetString());

        var upsert = await Instance.WaitForEventAsync(InstanceEventNames.GroupUpsert, d => d[0].GetProperty("id").GetString() == group);
        Assert.Equal(subject, upsert[0].GetProperty("subject").GetString());
        Assert.Equal(3, upsert[0].GetProperty("participants").GetArrayLength());
        foreach (var peer in new[] { fixture.Bob, fixture.Carol })
        {
            var seen = await BaileysGroupEventAsync(peer, "upsert", group);
            Assert.Equal(subject, seen["subject"]!.GetValue<string>());
        }

        var (infoStatus, info) = await Instance.Host.GetAsync($"/group/findGroupInfos/{Instance.Name}?groupJid={group}");
        Assert.Equal(200, infoStatus);
        Assert.Equal("Our rules", info.GetProperty("desc").GetString());
        var (allStatus, all) = await Instance.Host.GetAsync($"/group/findAllGroups/{Instance.Name}");
        Assert.Equal(200, allStatus);
        Assert.Equal(subject, all.GetProperty(group).GetProperty("subject").GetString());
        var (participantsStatus, list) = await Instance.Host.GetAsync($"/group/participants/{Instance.Name}?groupJid={group}");
        Assert.Equal(200, participantsStatus);
        Assert.Equal(3, list.GetProperty("participants").GetArrayLength());
    }

    [Fact]
    public async Task Each_participant_action_is_a_group_participant_update_and_visible_to_Baileys_and_a_removed_member_cannot_read_what_follows()
    {
        var group = await CreateAsync(Unique("Actions"), fixture.BobAccount.Phone);
        await BaileysGroupEventAsync(fixture.Bob, "upsert", group);
        var query = $"?groupJid={group}";

        var (status, body) = await Instance.RequestAsync(HttpMethod.Put, "/group/updateParticipant", query, new { action = "add", participants = new[] { fixture.CarolAccount.Phone } });
        Assert.Equal(201, status);
        var added = Assert.Single(body.GetProperty("updateParticipants").EnumerateArray());
        Assert.Equal("200", added.GetProperty("status").GetString());
        Assert.Equal(fixture.CarolAccount.PnJid, added.GetProperty("jid").GetString());
        var addEvent = await ParticipantEventAsync(group, "add", fixture.CarolAccount.PnJid);
        Assert.Equal(Instance.Account.PnJid, addEvent.GetProperty("authorPn").GetString());
        Assert.Equal(fixture.CarolAccount.LidJid, addEvent.GetProperty("participants")[0].GetProperty("lid").GetString());
        await BaileysGroupEventAsync(fixture.Carol, "participants", group, e => e["action"]!.GetValue<string>() == "add");

        (status, _) = await Instance.RequestAsync(HttpMethod.Put, "/group/updateParticipant", query, new { action = "promote", participants = new[] { fixture.BobAccount.Phone } });
        Assert.Equal(201, status);
        await ParticipantEventAsync(group, "promote", fixture.BobAccount.PnJid);
        var seenByBob = await fixture.Bob.CommandAsync("groupMetadata", new { jid = group }, cancellationToken: Ct);
        Assert.Contains(fixture.BobAccount.PnJid, seenByBob["admins"]!.AsArray().Select(a => a!.GetValue<string>()));

        (status, _) = await Instance.RequestAsync(HttpMethod.Put, "/group/updateParticipant", query, new { action = "demote", participants = new[] { fixture.BobAccount.Phone } });
        Assert.Equal(201, status);
        await ParticipantEventAsync(group, "demote", fixture.BobAccount.PnJid);
        await BaileysGroupEventAsync(fixture.Bob, "participants", group, e => e["action"]!.GetValue<string>() == "demote");

        (status, body) = await Instance.RequestAsync(HttpMethod.Put, "/group/updateParticipant", query, new { action = "remove", participants = new[] { fixture.CarolAccount.Phone } });
        Assert.Equal(201, status);
        Assert.Equal("200", body.GetProperty("updateParticipants")[0].GetProperty("status").GetString());
        await ParticipantEventAsync(group, "remove", fixture.CarolAccount.PnJid);
        await BaileysGroupEventAsync(fixture.Bob, "participants", group, e => e["action"]!.GetValue<string>() == "remove");

        // Adding someone already in the group: a per-participant 409, not a failed call.
        (status, body) = await Instance.RequestAsync(HttpMethod.Put, "/group/updateParticipant", query, new { action = "add", participants = new[] { fixture.BobAccount.Phone } });
        Assert.Equal(201, status);
        Assert.Equal("409", body.GetProperty("updateParticipants")[0].GetProperty("status").GetString());

        // The emulator hands Carol a copy of the next group message anyway (test-only: WhatsApp would
        // not deliver it); our sender key was replaced at her removal, so Baileys cannot decrypt it.
        Instance.Emulator.Emulator.EavesdropGroupMessages(group, fixture.CarolAccount);
        var text = Unique("after carol left");
        var (sendStatus, sent) = await Instance.SendTextAsync(group, text);
        Assert.Equal(201, sendStatus);
        var id = sent.GetProperty("keyId").GetString()!;
        await fixture.Bob.WaitForTextAsync(text, Patience, Ct);
        var atCarol = await fixture.Carol.WaitForEventAsync(e => e["event"]?.GetValue<string>() == "message" && e["id"]?.GetValue<string>() == id,
            "Carol's copy of the message sent after her removal", Patience, Ct);
        Assert.Null(atCarol["text"]);
        Assert.Equal(CiphertextStub, atCarol["stub"]!.GetValue<int>());
    }

    [Fact]
    public async Task Subject_description_settings_and_ephemeral_changes_become_group_update_here_and_at_Baileys()
    {
        var group = await CreateAsync(Unique("Info"), fixture.BobAccount.Phone);
        await BaileysGroupEventAsync(fixture.Bob, "upsert", group);
        var query = $"?groupJid={group}";

        var subject = Unique("Renamed");
        var (status, body) = await Instance.RequestAsync(HttpMethod.Put, "/group/updateSubject", query, new { subject });
        Assert.Equal(201, status);
        Assert.Equal("success", body.GetProperty("update").GetString());
        await Instance.WaitForEventAsync(InstanceEventNames.GroupUpdate, d => d[0].GetProperty("id").GetString() == group
            && d[0].TryGetProperty("subject", out var s) && s.GetString() == subject && d[0].GetProperty("authorPn").GetString() == Instance.Account.PnJid);
        await BaileysGroupEventAsync(fixture.Bob, "update", group, e => e["subject"]?.GetValue<string>() == subject);

        (status, _) = await Instance.RequestAsync(HttpMethod.Put, "/group/updateDescription", query, new { description = "Be kind" });
        Assert.Equal(201, status);
        await Instance.WaitForEventAsync(InstanceEventNames.GroupUpdate, d => d[0].GetProperty("id").GetString() == group
            && d[0].TryGetProperty("desc", out var desc) && desc.GetString() == "Be kind");
        await BaileysGroupEventAsync(fixture.Bob, "update", group, e => e["desc"]?.GetValue<string>() == "Be kind");

        (status, _) = await Instance.RequestAsync(HttpMethod.Put, "/group/updateSetting", query, new { action = "announcement" });
        Assert.Equal(201, status);
        await Instance.WaitForEventAsync(InstanceEventNames.GroupUpdate, d => d[0].GetProperty("id").GetString() == group
            && d[0].TryGetProperty("announce", out var announce) && announce.GetBoolean());
        await BaileysGroupEventAsync(fixture.Bob, "update", group, e => e["announce"]?.GetValue<bool>() == true);

        (status, _) = await Instance.RequestAsync(HttpMethod.Put, "/group/updateSetting", query, new { action = "locked" });
        Assert.Equal(201, status);
        await Instance.WaitForEventAsync(InstanceEventNames.GroupUpdate, d => d[0].GetProperty("id").GetString() == group
            && d[0].TryGetProperty("restrict", out var restrict) && restrict.GetBoolean());

        (status, _) = await Instance.RequestAsync(HttpMethod.Put, "/group/toggleEphemeral", query, new { expiration = 604800 });
        Assert.Equal(201, status);
        await Instance.WaitForEventAsync(InstanceEventNames.GroupUpdate, d => d[0].GetProperty("id").GetString() == group
            && d[0].TryGetProperty("ephemeralDuration", out var seconds) && seconds.GetInt32() == 604800);

        (status, _) = await Instance.RequestAsync(HttpMethod.Put, "/group/updateGroupPicture", query, new { image = TinyPngBase64 });
        Assert.Equal(201, status);
        await Instance.WaitForEventAsync(InstanceEventNames.GroupUpdate, d => d[0].GetProperty("id").GetString() == group
            && d[0].TryGetProperty("picture", out var picture) && picture.GetString() == "changed");

        var (infoStatus, info) = await Instance.Host.GetAsync($"/group/findGroupInfos/{Instance.Name}{query}");
        Assert.Equal(200, infoStatus);
        Assert.Equal(subject, info.GetProperty("subject").GetString());
        Assert.True(info.GetProperty("announce").GetBoolean());
        Assert.True(info.GetProperty("restrict").GetBoolean());
        Assert.Equal(604800, info.GetProperty("ephemeralDuration").GetInt32());

        // A change by a Baileys member reaches the instance as group.update with that member as author.
        await fixture.Instance.RequestAsync(HttpMethod.Put, "/group/updateSetting", query, new { action = "unlocked" });
        var bobsSubject = Unique("Bob named it");
        await fixture.Bob.CommandAsync("groupUpdateSubject", new { jid = group, subject = bobsSubject }, cancellationToken: Ct);
        var fromBob = await Instance.WaitForEventAsync(InstanceEventNames.GroupUpdate, d => d[0].GetProperty("id").GetString() == group
            && d[0].TryGetProperty("subject", out var s) && s.GetString() == bobsSubject);
        Assert.Equal(fixture.BobAccount.PnJid, fromBob[0].GetProperty("authorPn").GetString());
    }

    [Fact]
    public async Task Invite_codes_let_a_Baileys_client_join_and_the_instance_join_a_Baileys_group()
    {
        var group = await CreateAsync(Unique("Invite"), fixture.BobAccount.Phone);
        var query = $"?groupJid={group}";
        var (status, body) = await Instance.Host.GetAsync($"/group/inviteCode/{Instance.Name}{query}");
        Assert.Equal(200, status);
        var code = body.GetProperty("inviteCode").GetString()!;
        Assert.Equal("https://chat.whatsapp.com/" + code, body.GetProperty("inviteUrl").GetString());

        var joined = await fixture.Dave.CommandAsync("groupAcceptInvite", new { code }, cancellationToken: Ct);
        Assert.Equal(group, joined["gid"]!.GetValue<string>());
        var join = await ParticipantEventAsync(group, "add", fixture.DaveAccount.PnJid);
        Assert.Equal("invite", join.GetProperty("reason").GetString());

        (status, body) = await Instance.RequestAsync(HttpMethod.Put, "/group/revokeInviteCode", query);
        Assert.Equal(201, status);
        Assert.True(body.GetProperty("revoked").GetBoolean());
        Assert.NotEqual(code, body.GetProperty("inviteCode").GetString());

        // The other way round: a Baileys group the instance joins by its link.
        var bobsSubject = Unique("Bob's");
        var created = await fixture.Bob.CommandAsync("groupCreate", new { subject = bobsSubject, participants = new[] { fixture.CarolAccount.PnJid } }, cancellationToken: Ct);
        var bobsGroup = created["gid"]!.GetValue<string>();
        var bobsCode = (await fixture.Bob.CommandAsync("groupInviteCode", new { jid = bobsGroup }, cancellationToken: Ct))["code"]!.GetValue<string>();

        (status, body) = await Instance.Host.GetAsync($"/group/inviteInfo/{Instance.Name}?inviteCode={bobsCode}");
        Assert.Equal(200, status);
        Assert.Equal(bobsSubject, body.GetProperty("subject").GetString());

        (status, body) = await Instance.RequestAsync(HttpMethod.Put, "/group/acceptInviteCode", body: new { inviteCode = "https://chat.whatsapp.com/" + bobsCode });
        Assert.Equal(201, status);
        Assert.Equal(bobsGroup, body.GetProperty("groupJid").GetString());
        var upsert = await Instance.WaitForEventAsync(InstanceEventNames.GroupUpsert, d => d[0].GetProperty("id").GetString() == bobsGroup);
        Assert.Equal(bobsSubject, upsert[0].GetProperty("subject").GetString());
        await BaileysGroupEventAsync(fixture.Bob, "participants", bobsGroup, e => e["action"]!.GetValue<string>() == "add");

        (status, body) = await Instance.RequestAsync(HttpMethod.Put, "/group/acceptInviteCode", body: new { inviteCode = "NoSuchCode0000000000000" });
        Assert.Equal(400, status);
        Assert.Equal("inviteCode", body.GetProperty("message")[0].GetProperty("property").GetString());

        (status, body) = await Instance.RequestAsync(HttpMethod.Delete, "/group/leaveGroup", $"?groupJid={bobsGroup}");
        Assert.Equal(200, status);
        Assert.True(body.GetProperty("leave").GetBoolean());
        await BaileysGroupEventAsync(fixture.Bob, "participants", bobsGroup, e => e["action"]!.GetValue<string>() == "remove");
    }

    [Fact]
    public async Task Changes_the_instance_may_not_make_get_clear_refusals_and_bad_input_names_the_field()
    {
        // A Baileys group where the instance is a plain member.
        var created = await fixture.Bob.CommandAsync("groupCreate", new { subject = Unique("Bob rules"), participants = new[] { Instance.Account.PnJid } }, cancellationToken: Ct);
        var group = created["gid"]!.GetValue<string>();
        await Instance.WaitForEventAsync(InstanceEventNames.GroupUpsert, d => d[0].GetProperty("id").GetString() == group);
        var query = $"?groupJid={group}";

        var (status, body) = await Instance.RequestAsync(HttpMethod.Put, "/group/updateSetting", query, new { action = "announcement" });
        Assert.Equal(403, status);
        Assert.Equal("Only group admins can do this", body.GetProperty("message")[0].GetString());
        (status, _) = await Instance.RequestAsync(HttpMethod.Put, "/group/updateParticipant", query, new { action = "remove", participants = new[] { fixture.BobAccount.Phone } });
        Assert.Equal(403, status);
        (status, _) = await Instance.Host.GetAsync($"/group/inviteCode/{Instance.Name}{query}");
        Assert.Equal(403, status);

        (status, _) = await Instance.Host.GetAsync($"/group/findGroupInfos/{Instance.Name}?groupJid=120363999999999999@g.us");
        Assert.Equal(404, status);

        (status, body) = await Instance.Host.GetAsync($"/group/findGroupInfos/{Instance.Name}");
        Assert.Equal(400, status);
        Assert.Equal("The group id needs to be informed in the query", body.GetProperty("message")[0].GetString());

        (status, body) = await Instance.RequestAsync(HttpMethod.Post, "/group/create", body: new { subject = "x", participants = new[] { "123" } });
        Assert.Equal(400, status);
        Assert.Equal("participants[0]", body.GetProperty("message")[0].GetProperty("property").GetString());
        (status, body) = await Instance.RequestAsync(HttpMethod.Put, "/group/updateParticipant", query, new { action = "kick", participants = new[] { fixture.BobAccount.Phone } });
        Assert.Equal(400, status);
        Assert.Equal("action", body.GetProperty("message")[0].GetProperty("property").GetString());
        (status, body) = await Instance.RequestAsync(HttpMethod.Put, "/group/toggleEphemeral", query, new { expiration = 5 });
        Assert.Equal(400, status);
        Assert.Equal("expiration", body.GetProperty("message")[0].GetProperty("property").GetString());

        (status, _) = await Instance.Host.GetAsync("/group/findAllGroups/no-such-instance");
        Assert.Equal(404, status);
    }

    // A 2×2 red PNG.
    private const string TinyPngBase64 =
        "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEElEQVR4nGP4z8AARAwQCgAf7gP9i18U1AAAAABJRU5ErkJggg==";
}
