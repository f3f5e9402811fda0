using System.Text;
using CodeChat.WaEmulator.Model;
using CodeChat.WhatsApp.Binary;

namespace CodeChat.WaEmulator.Protocol;

/// <summary>
/// Group administration IQs as WhatsApp answers them (whatsapp-protocol.md §10.1): participants
/// add/remove/promote/demote with per-participant result codes, subject, description (id/prev), settings,
/// invite code get/revoke, join by code, leave. Each change is announced with a w:gp2 notification
/// (§10.2). Error codes follow whatsmeow's reading of the real server: 401 not an admin, 403 not a member,
/// 404 no such group or participant, 406 malformed invite code, 409 already a member / stale description,
/// 410 revoked invite code.
/// </summary>
internal sealed class GroupAdministration(ChatServer server, GroupRegistry registry)
{
    private readonly HashSet<string> _revokedInviteCodes = new(StringComparer.Ordinal);

    /// <summary>IQs to a group the asking account is a member of; null when the IQ is not an administration one.</summary>
    public Node? Handle(ChatSession session, Node iq, EmulatedGroup group)
    {
        var actor = session.Device!.Account;
        var set = iq.GetAttribute("type") == "set";
        foreach (var child in iq.Children)
        {
            switch (child.Tag)
            {
                case "add" or "remove" or "promote" or "demote" when set:
                    return UpdateParticipants(iq, child, group, actor);
                case "subject" when set:
                    return ChangeSubject(iq, child, group, actor);
                case "description" when set:
                    return ChangeDescription(iq, child, group, actor);
                case "announcement" or "not_announcement" or "locked" or "unlocked" when set:
                    return ChangeSetting(iq, child.Tag, group, actor);
                case "ephemeral" or "not_ephemeral" when set:
                    return ChangeEphemeral(iq, child, group, actor);
                case "invite":
                    return set ? RevokeInvite(iq, group, actor) : GetInvite(iq, group, actor);
            }
        }

        return null;
    }

    /// <summary>IQs to the bare group server (to="@g.us"): leave, invite link info, join via invite code.</summary>
    public Node? HandleServerLevel(ChatSession session, Node iq)
    {
        var actor = session.Device!.Account;
        if (iq.GetChild("leave") is { } leave)
        {
            return Leave(iq, leave, actor);
        }

        if (iq.GetChild("invite") is { } invite && invite.GetAttribute("code") is { } code)
        {
            if (FindByCode(code) is not { } group)
            {
                return Stanzas.Error(iq, IsRevoked(code) ? 410 : 406, IsRevoked(code) ? "gone" : "not-acceptable");
            }

            return iq.GetAttribute("type") == "set" ? Join(iq, group, actor) : Stanzas.Result(iq, registry.Describe(group));
        }

        return null;
    }

    private Node UpdateParticipants(Node iq, Node action, EmulatedGroup group, EmulatedAccount actor)
    {
        if (!group.IsAdmin(actor))
        {
            return Stanzas.Error(iq, 401, "not-authorized");
        }

        var results = new List<Node>();
        var changed = new List<EmulatedAccount>();
        IReadOnlyList<EmulatedAccount> recipients;
        lock (group.SyncRoot)
        {
            var before = group.Members;
            foreach (var participant in action.GetChildren("participant"))
            {
                var jid = participant.GetAttribute("jid") ?? "";
                var account = participant.GetJid("jid") is { } parsed ? server.Directory.FindUser(parsed) : null;
                var error = account is null ? "404" : Apply(action.Tag, group, account);
                results.Add(Stanzas.Make("participant", ("jid", jid), ("error", error)));
                if (error is null)
                {
                    changed.Add(account!);
                }
            }

            // the removed still hear that they were removed; the added hear that they were added
            recipients = action.Tag == "remove" ? before : group.Members;
        }

        if (changed.Count > 0)
        {
            registry.Notify(group, actor, recipients, Stanzas.Children(action.Tag, [], changed.Select(a => ParticipantNode(group, a))));
        }

        return Stanzas.Result(iq, Stanzas.Children(action.Tag, [], results));
    }

    /// <summary>One participant change; the per-participant error code, or null when it took effect.</summary>
    private static string? Apply(string action, EmulatedGroup group, EmulatedAccount account) => action switch
    {
        "add" => group.AddMember(account) ? null : "409",
        "remove" when account == group.Creator => "406",
        "remove" => group.RemoveMember(account) ? null : "404",
        "promote" => group.RoleOf(account) switch
        {
            null => "404",
            GroupRole.Member => group.SetRole(account, GroupRole.Admin) ? null : "404",
            _ => null,
        },
        "demote" => group.RoleOf(account) switch
        {
            null => "404",
            GroupRole.SuperAdmin => "406",
            _ => group.SetRole(account, GroupRole.Member) ? null : "404",
        },
        _ => "400",
    };

    private Node ChangeSubject(Node iq, Node subjectNode, EmulatedGroup group, EmulatedAccount actor)
    {
        if (group.IsLocked && !group.IsAdmin(actor))
        {
            return Stanzas.Error(iq, 401, "not-authorized");
        }

        var subject = Text(subjectNode);
        if (subject.Length == 0)
        {
            return Stanzas.Error(iq, 400, "bad-request");
        }

        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        lock (group.SyncRoot)
        {
            group.Subject = subject;
            group.SubjectOwner = actor;
            group.SubjectTime = now;
        }

        registry.Notify(group, actor, group.Members, Stanzas.Make(
            "subject",
            ("subject", subject),
            ("s_t", now.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("s_o", group.Address(actor))));
        return Stanzas.Result(iq);
    }

    private Node ChangeDescription(Node iq, Node descriptionNode, EmulatedGroup group, EmulatedAccount actor)
    {
        if (group.IsLocked && !group.IsAdmin(actor))
        {
            return Stanzas.Error(iq, 401, "not-authorized");
        }

        var id = descriptionNode.GetAttribute("id");
        var delete = descriptionNode.GetAttribute("delete") == "true";
        var prev = descriptionNode.GetAttribute("prev");
        Node change;
        lock (group.SyncRoot)
        {
            // a change must name the description it replaces, so two editors cannot silently overwrite each other
            if (group.Description?.Id != prev && !(group.Description is null && prev is null))
            {
                return Stanzas.Error(iq, 409, "conflict");
            }

            var newId = id ?? server.NextId();
            if (delete)
            {
                group.Description = null;
                change = Stanzas.Children("description", [("id", newId)], [Stanzas.Make("delete")]);
            }
            else
            {
                var body = descriptionNode.GetChild("body") is { } bodyNode ? Text(bodyNode) : "";
                group.Description = new GroupDescription(newId, body, actor, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
                change = Stanzas.Children("description", [("id", newId)], [Stanzas.Bytes("body", Encoding.UTF8.GetBytes(body))]);
            }
        }

        registry.Notify(group, actor, group.Members, change);
        return Stanzas.Result(iq);
    }

    private Node ChangeSetting(Node iq, string setting, EmulatedGroup group, EmulatedAccount actor)
    {
        if (!group.IsAdmin(actor))
        {
            return Stanzas.Error(iq, 401, "not-authorized");
        }

        lock (group.SyncRoot)
        {
            switch (setting)
            {
                case "announcement" or "not_announcement":
                    group.IsAnnouncement = setting == "announcement";
                    break;
                default:
                    group.IsLocked = setting == "locked";
                    break;
            }
        }

        registry.Notify(group, actor, group.Members, Stanzas.Make(setting));
        return Stanzas.Result(iq);
    }

    /// <summary>
    /// Disappearing messages (Baileys groupToggleEphemeral: <c>&lt;ephemeral expiration/&gt;</c> or
    /// <c>&lt;not_ephemeral/&gt;</c>). Like the group info, anyone may change it unless the group is locked.
    /// </summary>
    private Node ChangeEphemeral(Node iq, Node change, EmulatedGroup group, EmulatedAccount actor)
    {
        if (group.IsLocked && !group.IsAdmin(actor))
        {
            return Stanzas.Error(iq, 401, "not-authorized");
        }

        var seconds = change.Tag == "ephemeral" ? change.GetInt32("expiration") ?? -1 : 0;
        if (seconds < 0)
        {
            return Stanzas.Error(iq, 400, "bad-request");
        }

        lock (group.SyncRoot)
        {
            group.EphemeralSeconds = seconds;
        }

        registry.Notify(group, actor, group.Members, seconds > 0
            ? Stanzas.Make("ephemeral", ("expiration", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            : Stanzas.Make("not_ephemeral"));
        return Stanzas.Result(iq);
    }

    /// <summary>
    /// A new group picture (<c>w:profile:picture</c> iq with the group as <c>target</c>, Baileys chats.js
    /// updateProfilePicture): members are told with a <c>picture</c> notification
    /// <c>&lt;set jid id author/&gt;</c> (whatsmeow parsePictureNotification) and the actor gets the picture id.
    /// </summary>
    public Node SetPicture(ChatSession session, Node iq, EmulatedGroup group)
    {
        var actor = session.Device!.Account;
        if (!group.IsMember(actor))
        {
            return Stanzas.Error(iq, 403, "forbidden");
        }

        if (group.IsLocked && !group.IsAdmin(actor))
        {
            return Stanzas.Error(iq, 401, "not-authorized");
        }

        if (iq.GetChild("picture") is not { Bytes: { Length: > 0 } } picture || picture.GetAttribute("type") != "image")
        {
            return Stanzas.Error(iq, 400, "bad-request");
        }

        var id = server.NextId();
        lock (group.SyncRoot)
        {
            group.PictureId = id;
        }

        server.Profiles.StorePicture(group.Jid, id, picture.Bytes.Value.ToArray());

        registry.NotifyPicture(group, actor, Stanzas.Make("set", ("jid", group.Jid), ("id", id), ("author", group.Address(actor))));
        return Stanzas.Result(iq, Stanzas.Make("picture", ("id", id)));
    }

    private static Node GetInvite(Node iq, EmulatedGroup group, EmulatedAccount actor) =>
        group.IsAdmin(actor)
            ? Stanzas.Result(iq, Stanzas.Make("invite", ("code", group.InviteCode)))
            : Stanzas.Error(iq, 401, "not-authorized");

    private Node RevokeInvite(Node iq, EmulatedGroup group, EmulatedAccount actor)
    {
        if (!group.IsAdmin(actor))
        {
            return Stanzas.Error(iq, 401, "not-authorized");
        }

        string code;
        lock (group.SyncRoot)
        {
            lock (_revokedInviteCodes)
            {
                _revokedInviteCodes.Add(group.InviteCode);
            }

            code = group.InviteCode = GroupRegistry.NewInviteCode();
        }

        registry.Notify(group, actor, group.Members, Stanzas.Make("invite", ("code", code)));
        return Stanzas.Result(iq, Stanzas.Make("invite", ("code", code)));
    }

    private Node Join(Node iq, EmulatedGroup group, EmulatedAccount joiner)
    {
        if (group.AddMember(joiner))
        {
            registry.Notify(group, joiner, group.Members, Stanzas.Children("add", [("reason", "invite")], [ParticipantNode(group, joiner)]));
        }

        return Stanzas.Result(iq, Stanzas.Make("group", ("jid", group.Jid)));
    }

    private Node Leave(Node iq, Node leave, EmulatedAccount leaver)
    {
        var left = new List<Node>();
        foreach (var groupNode in leave.GetChildren("group"))
        {
            var id = groupNode.GetAttribute("id") ?? "";
            if (registry.Find(id.Split('@')[0]) is not { } group)
            {
                left.Add(Stanzas.Make("group", ("id", id), ("error", "404")));
                continue;
            }

            IReadOnlyList<EmulatedAccount> before;
            lock (group.SyncRoot)
            {
                before = group.Members;
                if (!group.RemoveMember(leaver))
                {
                    left.Add(Stanzas.Make("group", ("id", id), ("error", "403")));
                    continue;
                }
            }

            left.Add(Stanzas.Make("group", ("id", group.Jid)));
            // WhatsApp reports a leave as the member removing itself; clients read that as "left"
            registry.Notify(group, leaver, before, Stanzas.Children("remove", [], [ParticipantNode(group, leaver)]));
        }

        return Stanzas.Result(iq, Stanzas.Children("leave", [], left));
    }

    private EmulatedGroup? FindByCode(string code)
    {
        var trimmed = code.Replace("https://chat.whatsapp.com/", "", StringComparison.Ordinal);
        return registry.FindByInviteCode(trimmed);
    }

    private bool IsRevoked(string code)
    {
        lock (_revokedInviteCodes)
        {
            return _revokedInviteCodes.Contains(code);
        }
    }

    private static Node ParticipantNode(EmulatedGroup group, EmulatedAccount account) =>
        Stanzas.Make("participant", group.ParticipantAttributes(account));

    private static string Text(Node node) => node.Bytes is { } bytes
        ? Encoding.UTF8.GetString(bytes.Span)
        : node.Content.Text ?? "";
}
