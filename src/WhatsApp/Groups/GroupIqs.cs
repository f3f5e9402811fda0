using System.Globalization;
using System.Text;
using CodeChat.WhatsApp.Binary;

namespace CodeChat.WhatsApp.Groups;

/// <summary>
/// The <c>w:g2</c> group iqs (whatsapp-protocol.md §10.1). Shapes as Baileys 7 sends them
/// (lib/Socket/groups.js <c>groupQuery</c> and friends, tests/interop/node_modules) and whatsmeow
/// group.go: administration iqs go to the group, create / participating / leave / invite-code
/// lookups to the bare group server <c>@g.us</c>; the picture iq is <c>w:profile:picture</c>
/// to <c>s.whatsapp.net</c> with the group as <c>target</c> (Baileys chats.js updateProfilePicture).
/// </summary>
public static class GroupIqs
{
    public const string Namespace = "w:g2";

    /// <summary>Full metadata of one group (<c>&lt;query request="interactive"/&gt;</c>).</summary>
    public static Node Metadata(Jid group) => Iq(group, "get", new Node("query", [new("request", "interactive")]));

    /// <summary>Every group we are in, with participants and descriptions.</summary>
    public static Node Participating() => Iq(Jid.GroupServerJid, "get",
        new Node("participating", default, new Node[] { new("participants"), new("description") }));

    /// <summary>Creates a group; <paramref name="key"/> is a fresh message id that makes a retried create idempotent.</summary>
    public static Node Create(string subject, IEnumerable<Jid> participants, string key)
    {
        ArgumentNullException.ThrowIfNull(participants);
        return Iq(Jid.GroupServerJid, "set", new Node("create", [new("subject", subject), new("key", key)],
            participants.Select(p => new Node("participant", [new("jid", p)])).ToList()));
    }

    public static Node UpdateParticipants(Jid group, GroupParticipantAction action, IEnumerable<Jid> participants)
    {
        ArgumentNullException.ThrowIfNull(participants);
        return Iq(group, "set", new Node(ActionTag(action), default,
            participants.Select(p => new Node("participant", [new("jid", p)])).ToList()));
    }

    public static Node InviteCode(Jid group) => Iq(group, "get", new Node("invite"));

    public static Node RevokeInviteCode(Jid group) => Iq(group, "set", new Node("invite"));

    /// <summary>Joins the group of an invite link code.</summary>
    public static Node AcceptInvite(string code) => Iq(Jid.GroupServerJid, "set", new Node("invite", [new("code", code)]));

    /// <summary>The metadata of the group an invite link code leads to, without joining.</summary>
    public static Node InviteInfo(string code) => Iq(Jid.GroupServerJid, "get", new Node("invite", [new("code", code)]));

    public static Node Leave(Jid group) => Iq(Jid.GroupServerJid, "set",
        new Node("leave", default, new Node("group", [new("id", group)])));

    /// <summary>The subject goes as the node's UTF-8 bytes (Baileys groupUpdateSubject).</summary>
    public static Node Subject(Jid group, string subject) =>
        Iq(group, "set", new Node("subject", default, Encoding.UTF8.GetBytes(subject)));

    /// <summary>
    /// Sets (a body) or deletes (<paramref name="body"/> null or empty: <c>delete="true"</c>) the
    /// description. <paramref name="previousId"/> names the description being replaced; the server refuses
    /// a stale one (409), so two editors cannot silently overwrite each other.
    /// </summary>
    public static Node Description(Jid group, string? body, string? previousId, string newId)
    {
        var attributes = new List<NodeAttribute>();
        var content = NodeContent.None;
        if (string.IsNullOrEmpty(body))
        {
            attributes.Add(new("delete", "true"));
        }
        else
        {
            attributes.Add(new("id", newId));
            content = new Node("body", default, Encoding.UTF8.GetBytes(body));
        }
        if (previousId is not null)
        {
            attributes.Add(new("prev", previousId));
        }
        return Iq(group, "set", new Node("description", NodeAttributes.Create(attributes), content));
    }

    public static Node Setting(Jid group, GroupSetting setting) => Iq(group, "set", new Node(SettingTag(setting)));

    /// <summary>Disappearing messages: <c>&lt;ephemeral expiration=seconds/&gt;</c>, or <c>&lt;not_ephemeral/&gt;</c> for 0.</summary>
    public static Node Ephemeral(Jid group, int seconds) => Iq(group, "set", seconds > 0
        ? new Node("ephemeral", [new("expiration", seconds.ToString(CultureInfo.InvariantCulture))])
        : new Node("not_ephemeral"));

    /// <summary>The group picture: a JPEG in <c>&lt;picture type="image"&gt;</c> (WhatsApp expects 640×640 at most).</summary>
    public static Node Picture(Jid group, ReadOnlyMemory<byte> jpeg) => new("iq",
        [new("to", Jid.ServerJid), new("type", "set"), new("xmlns", "w:profile:picture"), new("target", group)],
        new Node("picture", [new("type", "image")], jpeg));

    public static string ActionTag(GroupParticipantAction action) => action switch
    {
        GroupParticipantAction.Add => "add",
        GroupParticipantAction.Remove => "remove",
        GroupParticipantAction.Promote => "promote",
        GroupParticipantAction.Demote => "demote",
        _ => throw new ArgumentOutOfRangeException(nameof(action), action, null),
    };

    public static string SettingTag(GroupSetting setting) => setting switch
    {
        GroupSetting.Announcement => "announcement",
        GroupSetting.NotAnnouncement => "not_announcement",
        GroupSetting.Locked => "locked",
        GroupSetting.Unlocked => "unlocked",
        _ => throw new ArgumentOutOfRangeException(nameof(setting), setting, null),
    };

    // Attribute order as Baileys' groupQuery writes it: type, xmlns, to.
    private static Node Iq(Jid to, string type, Node child) =>
        new("iq", [new("type", type), new("xmlns", Namespace), new("to", to)], child);
}
