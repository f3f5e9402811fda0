using System.Text;
using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Groups;

namespace CodeChat.WhatsApp.Tests.Groups;

/// <summary>
/// Known answers for reading group answers and notifications, with the fields Baileys 7.0.0-rc14 reads
/// from the same nodes (lib/Socket/groups.js extractGroupMetadata, groupParticipantsUpdate;
/// lib/Socket/messages-recv.js handleGroupNotification) and whatsmeow group.go parseGroupNode.
/// </summary>
public class GroupNodeParserTests
{
    private static Node Make(string tag, params (string Name, string Value)[] attributes) =>
        new(tag, NodeAttributes.Create(attributes.Select(a => new NodeAttribute(a.Name, a.Value))));

    private static Node Make(string tag, (string Name, string Value)[] attributes, params Node[] children) =>
        new(tag, NodeAttributes.Create(attributes.Select(a => new NodeAttribute(a.Name, a.Value))), children);

    [Fact]
    public void Lid_addressed_metadata_carries_both_forms_roles_description_settings_and_ephemeral()
    {
        var answer = Make("iq", [("type", "result")], Make("group",
            [("id", "120363000000000007"), ("subject", "Sales"), ("s_o", "111111111111111@lid"), ("s_o_pn", "5511999990001@s.whatsapp.net"),
             ("s_t", "1700000000"), ("creator", "111111111111111@lid"), ("creator_pn", "5511999990001@s.whatsapp.net"),
             ("creation", "1699999999"), ("addressing_mode", "lid"), ("size", "2")],
            Make("participant", ("jid", "111111111111111@lid"), ("phone_number", "5511999990001@s.whatsapp.net"), ("type", "superadmin")),
            Make("participant", ("jid", "222222222222222@lid"), ("phone_number", "5511999990002@s.whatsapp.net")),
            new Node("description", [new("id", "D1"), new("participant", "111111111111111@lid"), new("t", "1700000100")],
                new Node("body", default, Encoding.UTF8.GetBytes("Our rules"))),
            Make("announcement"),
            Make("locked"),
            Make("ephemeral", ("expiration", "86400"))));

        var metadata = GroupNodeParser.ParseAnswer(answer);

        Assert.Equal("120363000000000007@g.us", metadata.Jid.ToString());
        Assert.Equal("Sales", metadata.Subject);
        Assert.True(metadata.IsLidAddressed);
        Assert.Equal("5511999990001@s.whatsapp.net", metadata.CreatorPhoneNumber.ToString());
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1699999999), metadata.Creation);
        Assert.Equal(("D1", "Our rules"), (metadata.Description!.Id, metadata.Description.Body));
        Assert.True(metadata.IsAnnouncement);
        Assert.True(metadata.IsLocked);
        Assert.Equal(86400, metadata.EphemeralSeconds);
        Assert.Equal(2, metadata.Size);
        Assert.Collection(metadata.Participants,
            p => Assert.Equal(("111111111111111@lid", "5511999990001@s.whatsapp.net", GroupRole.SuperAdmin), (p.Lid.ToString(), p.PhoneNumber.ToString(), p.Role)),
            p => Assert.Equal(("222222222222222@lid", "5511999990002@s.whatsapp.net", GroupRole.Member), (p.Lid.ToString(), p.PhoneNumber.ToString(), p.Role)));
    }

    [Fact]
    public void Pn_addressed_participants_take_the_lid_attribute()
    {
        var metadata = GroupNodeParser.Parse(Make("group", [("id", "120363000000000008@g.us"), ("addressing_mode", "pn")],
            Make("participant", ("jid", "5511999990001@s.whatsapp.net"), ("lid", "111111111111111@lid"), ("type", "admin"))));

        var member = Assert.Single(metadata.Participants);
        Assert.Equal(("5511999990001@s.whatsapp.net", "111111111111111@lid", GroupRole.Admin), (member.Jid.ToString(), member.Lid.ToString(), member.Role));
        Assert.False(metadata.IsLidAddressed);
        Assert.Equal(1, metadata.Size);
    }

    [Fact]
    public void Participant_results_default_to_200_and_keep_error_codes_and_add_requests()
    {
        var answer = Make("iq", [("type", "result")], Make("add", [],
            Make("participant", ("jid", "5511999990001@s.whatsapp.net")),
            Make("participant", [("jid", "5511999990002@s.whatsapp.net"), ("error", "403")], Make("add_request", ("code", "INV1"), ("expiration", "1700600000"))),
            Make("participant", ("jid", "5511999990003@s.whatsapp.net"), ("error", "409"))));

        var results = GroupNodeParser.ParseParticipantResults(answer, GroupParticipantAction.Add);

        Assert.Equal([200, 403, 409], results.Select(r => r.Status));
        Assert.Equal("INV1", results[1].AddRequest!.Code);
        Assert.Null(results[0].AddRequest);
    }

    [Fact]
    public void Invite_join_and_leave_answers()
    {
        Assert.Equal("ABC", GroupNodeParser.ParseInviteCode(Make("iq", [], Make("invite", ("code", "ABC")))));
        Assert.Equal("120363000000000009@g.us", GroupNodeParser.ParseJoinedGroup(Make("iq", [], Make("group", ("jid", "120363000000000009@g.us")))).ToString());
        var group = Jid.Parse("120363000000000009@g.us");
        Assert.Null(GroupNodeParser.ParseLeaveError(Make("iq", [], Make("leave", [], Make("group", ("id", "120363000000000009@g.us")))), group));
        Assert.Equal(403, GroupNodeParser.ParseLeaveError(Make("iq", [], Make("leave", [], Make("group", ("id", "120363000000000009@g.us"), ("error", "403")))), group));
    }

    [Fact]
    public void A_remove_of_the_actor_alone_is_a_leave()
    {
        var notification = Make("notification", [("from", "120363000000000001@g.us"), ("type", "w:gp2"), ("id", "N1"), ("participant", "5511999990002@s.whatsapp.net"), ("t", "1700000000")],
            Make("remove", [], Make("participant", ("jid", "5511999990002@s.whatsapp.net"), ("lid", "222222222222222@lid"))));

        var parsed = GroupNotificationParser.Parse(notification);

        var change = Assert.IsType<GroupParticipantsChange>(Assert.Single(parsed.Changes));
        Assert.True(change.IsLeave);
        Assert.Equal(GroupParticipantAction.Remove, change.Action);
        Assert.Equal("222222222222222@lid", change.Participants[0].Lid.ToString());
        Assert.Equal("5511999990002@s.whatsapp.net", parsed.AuthorPhoneNumber.ToString());
    }

    [Fact]
    public void Notification_children_become_changes()
    {
        var notification = Make("notification", [("from", "120363000000000001@g.us"), ("type", "w:gp2"), ("id", "N2"), ("participant", "111111111111111@lid"), ("participant_pn", "5511999990001@s.whatsapp.net")],
            Make("subject", ("subject", "New name"), ("s_o", "111111111111111@lid"), ("s_t", "1700000001")),
            new Node("description", [new("id", "D2")], new Node("body", default, Encoding.UTF8.GetBytes("Text"))),
            Make("description", [("id", "D3")], Make("delete")),
            Make("announcement"),
            Make("unlocked"),
            Make("ephemeral", ("expiration", "604800")),
            Make("not_ephemeral"),
            Make("promote", [], Make("participant", ("jid", "222222222222222@lid"), ("phone_number", "5511999990002@s.whatsapp.net"))),
            Make("invite", ("code", "NEWCODE")));

        var parsed = GroupNotificationParser.Parse(notification);

        Assert.Equal("111111111111111@lid", parsed.AuthorLid.ToString());
        Assert.Equal("5511999990001@s.whatsapp.net", parsed.AuthorPhoneNumber.ToString());
        Assert.Equal<GroupChange>(
            [
                new GroupSubjectChange("New name", Jid.Parse("111111111111111@lid"), DateTimeOffset.FromUnixTimeSeconds(1700000001)),
                new GroupDescriptionChange("D2", "Text"),
                new GroupDescriptionChange("D3", null),
                new GroupSettingChange(GroupSetting.Announcement),
                new GroupSettingChange(GroupSetting.Unlocked),
                new GroupEphemeralChange(604800),
                new GroupEphemeralChange(0),
                new GroupInviteChange("NEWCODE"),
            ],
            parsed.Changes.Where(c => c is not GroupParticipantsChange));
        var promoted = Assert.Single(parsed.Changes.OfType<GroupParticipantsChange>());
        Assert.Equal(("222222222222222@lid", "5511999990002@s.whatsapp.net"), (promoted.Participants[0].Jid.ToString(), promoted.Participants[0].PhoneNumber.ToString()));
    }

    [Fact]
    public void Create_notification_carries_the_metadata_and_picture_notifications_the_picture_id()
    {
        var created = GroupNotificationParser.Parse(Make("notification", [("from", "120363000000000001@g.us"), ("type", "w:gp2"), ("id", "N3")],
            Make("create", [], Make("group", [("id", "120363000000000001"), ("subject", "Hello")], Make("participant", ("jid", "5511999990001@s.whatsapp.net"))))));
        var appeared = Assert.IsType<GroupAppearedChange>(Assert.Single(created.Changes));
        Assert.True(appeared.Created);
        Assert.Equal("Hello", appeared.Metadata.Subject);

        var picture = Make("notification", [("from", "120363000000000001@g.us"), ("type", "picture"), ("id", "N4")], Make("set", ("jid", "120363000000000001@g.us"), ("id", "1700000005")));
        Assert.True(GroupNotificationParser.IsGroupNotification(picture));
        Assert.Equal(new GroupPictureChange("1700000005"), Assert.Single(GroupNotificationParser.Parse(picture).Changes));
        Assert.False(GroupNotificationParser.IsGroupNotification(Make("notification", ("from", "5511999990001@s.whatsapp.net"), ("type", "picture"))));
    }
}
