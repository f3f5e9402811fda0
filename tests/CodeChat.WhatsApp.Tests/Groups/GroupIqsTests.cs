using System.Text;
using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Groups;

namespace CodeChat.WhatsApp.Tests.Groups;

/// <summary>
/// Known answers for the group iqs: each expected node is transcribed from what Baileys 7.0.0-rc14
/// sends (tests/interop/node_modules/baileys/lib/Socket/groups.js: groupQuery attrs
/// <c>{type, xmlns: 'w:g2', to}</c>; chats.js updateProfilePicture for the picture), compared on the
/// binary wire form so attribute order and content kinds count too.
/// </summary>
public class GroupIqsTests
{
    private static readonly Jid Group = Jid.Parse("120363000000000001@g.us");
    private static readonly Jid Alice = Jid.Parse("5511999990001@s.whatsapp.net");
    private static readonly Jid Bob = Jid.Parse("5511999990002@s.whatsapp.net");

    private static Node Iq(string type, Jid to, Node child) =>
        new("iq", [new("type", type), new("xmlns", "w:g2"), new("to", to)], child);

    private static void AssertWireEqual(Node expected, Node actual)
    {
        Assert.Equal(expected.ToXml(), actual.ToXml());
        Assert.Equal(WaBinaryEncoder.Encode(expected), WaBinaryEncoder.Encode(actual));
    }

    [Fact]
    public void Metadata_query_is_baileys_groupMetadata()
    {
        AssertWireEqual(Iq("get", Group, new Node("query", [new("request", "interactive")])), GroupIqs.Metadata(Group));
    }

    [Fact]
    public void Participating_is_baileys_groupFetchAllParticipating()
    {
        AssertWireEqual(
            Iq("get", Jid.GroupServerJid, new Node("participating", default, new Node[] { new("participants"), new("description") })),
            GroupIqs.Participating());
    }

    [Fact]
    public void Create_is_baileys_groupCreate()
    {
        AssertWireEqual(
            Iq("set", Jid.GroupServerJid, new Node("create", [new("subject", "Team"), new("key", "3EB0ABCDEF")],
                new Node[] { new("participant", [new("jid", Alice)]), new("participant", [new("jid", Bob)]) })),
            GroupIqs.Create("Team", [Alice, Bob], "3EB0ABCDEF"));
    }

    [Theory]
    [InlineData(GroupParticipantAction.Add, "add")]
    [InlineData(GroupParticipantAction.Remove, "remove")]
    [InlineData(GroupParticipantAction.Promote, "promote")]
    [InlineData(GroupParticipantAction.Demote, "demote")]
    public void Participant_changes_are_baileys_groupParticipantsUpdate(GroupParticipantAction action, string tag)
    {
        AssertWireEqual(
            Iq("set", Group, new Node(tag, default, new Node[] { new("participant", [new("jid", Alice)]) })),
            GroupIqs.UpdateParticipants(Group, action, [Alice]));
    }

    [Fact]
    public void Invite_iqs_are_baileys_groupInviteCode_groupRevokeInvite_groupAcceptInvite_groupGetInviteInfo()
    {
        AssertWireEqual(Iq("get", Group, new Node("invite")), GroupIqs.InviteCode(Group));
        AssertWireEqual(Iq("set", Group, new Node("invite")), GroupIqs.RevokeInviteCode(Group));
        AssertWireEqual(Iq("set", Jid.GroupServerJid, new Node("invite", [new("code", "AbCdEf123")])), GroupIqs.AcceptInvite("AbCdEf123"));
        AssertWireEqual(Iq("get", Jid.GroupServerJid, new Node("invite", [new("code", "AbCdEf123")])), GroupIqs.InviteInfo("AbCdEf123"));
    }

    [Fact]
    public void Leave_is_baileys_groupLeave()
    {
        AssertWireEqual(
            Iq("set", Jid.GroupServerJid, new Node("leave", default, new Node("group", [new("id", Group)]))),
            GroupIqs.Leave(Group));
    }

    [Fact]
    public void Subject_goes_as_utf8_bytes_like_baileys_groupUpdateSubject()
    {
        AssertWireEqual(Iq("set", Group, new Node("subject", default, Encoding.UTF8.GetBytes("Équipe ✓"))), GroupIqs.Subject(Group, "Équipe ✓"));
    }

    [Fact]
    public void Description_names_the_new_id_and_the_previous_one_like_baileys_groupUpdateDescription()
    {
        AssertWireEqual(
            Iq("set", Group, new Node("description", [new("id", "NEW1"), new("prev", "OLD1")],
                new Node("body", default, Encoding.UTF8.GetBytes("Rules")))),
            GroupIqs.Description(Group, "Rules", "OLD1", "NEW1"));
        // no previous description: no prev attribute
        AssertWireEqual(
            Iq("set", Group, new Node("description", [new("id", "NEW1")], new Node("body", default, Encoding.UTF8.GetBytes("Rules")))),
            GroupIqs.Description(Group, "Rules", null, "NEW1"));
        // deleting: delete="true" and no body
        AssertWireEqual(Iq("set", Group, new Node("description", [new("delete", "true"), new("prev", "OLD1")])),
            GroupIqs.Description(Group, null, "OLD1", "NEW1"));
    }

    [Theory]
    [InlineData(GroupSetting.Announcement, "announcement")]
    [InlineData(GroupSetting.NotAnnouncement, "not_announcement")]
    [InlineData(GroupSetting.Locked, "locked")]
    [InlineData(GroupSetting.Unlocked, "unlocked")]
    public void Settings_are_baileys_groupSettingUpdate(GroupSetting setting, string tag)
    {
        AssertWireEqual(Iq("set", Group, new Node(tag)), GroupIqs.Setting(Group, setting));
    }

    [Fact]
    public void Ephemeral_is_baileys_groupToggleEphemeral()
    {
        AssertWireEqual(Iq("set", Group, new Node("ephemeral", [new("expiration", "604800")])), GroupIqs.Ephemeral(Group, 604800));
        AssertWireEqual(Iq("set", Group, new Node("not_ephemeral")), GroupIqs.Ephemeral(Group, 0));
    }

    [Fact]
    public void Picture_is_baileys_updateProfilePicture_for_a_group()
    {
        var jpeg = new byte[] { 0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3 };
        AssertWireEqual(
            new Node("iq", [new("to", Jid.ServerJid), new("type", "set"), new("xmlns", "w:profile:picture"), new("target", Group)],
                new Node("picture", [new("type", "image")], jpeg)),
            GroupIqs.Picture(Group, jpeg));
    }
}
