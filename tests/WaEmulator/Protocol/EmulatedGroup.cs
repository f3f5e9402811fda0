using CodeChat.WaEmulator.Model;

namespace CodeChat.WaEmulator.Protocol;

/// <summary>
/// A group as the server keeps it: id (user part of …@g.us), subject, description, settings, invite code
/// and the participants with their roles. Readers get snapshots; changes happen under <see cref="SyncRoot"/>
/// so that a check ("is the actor an admin?") and the change it allows are one step.
/// </summary>
public sealed class EmulatedGroup
{
    private readonly List<(EmulatedAccount Account, GroupRole Role)> _participants = [];

    internal EmulatedGroup(string id, string subject, EmulatedAccount creator, IEnumerable<EmulatedAccount> members, long creation, string inviteCode, bool lidAddressed = false)
    {
        Id = id;
        IsLidAddressed = lidAddressed;
        Subject = subject;
        SubjectOwner = creator;
        SubjectTime = creation;
        Creator = creator;
        Creation = creation;
        InviteCode = inviteCode;
        _participants.Add((creator, GroupRole.SuperAdmin));
        foreach (var member in members.Where(m => m != creator).Distinct())
        {
            _participants.Add((member, GroupRole.Member));
        }
    }

    internal object SyncRoot => _participants;

    private readonly List<EmulatedAccount> _eavesdroppers = [];

    /// <summary>
    /// TEST-ONLY, no WhatsApp counterpart: non-members that get a copy of every group message
    /// stanza as if they were members (the skmsg, plus a per-device part only if the sender wrongly
    /// addressed one to them). Lets a test prove that a removed member cannot read what follows,
    /// which the real server would never even deliver to it.
    /// </summary>
    internal IReadOnlyList<EmulatedAccount> Eavesdroppers
    {
        get
        {
            lock (SyncRoot)
            {
                return [.. _eavesdroppers];
            }
        }
    }

    internal void AddEavesdropper(EmulatedAccount outsider)
    {
        lock (SyncRoot)
        {
            if (!_eavesdroppers.Contains(outsider))
            {
                _eavesdroppers.Add(outsider);
            }
        }
    }

    public string Id { get; }

    /// <summary><c>addressing_mode="lid"</c>: members are named by LID, their phone numbers beside (<see cref="WaEmulatorOptions.LidAddressedGroups"/>).</summary>
    public bool IsLidAddressed { get; }

    /// <summary>The group's <c>addressing_mode</c> attribute value.</summary>
    public string AddressingMode => IsLidAddressed ? "lid" : "pn";

    /// <summary>How this group names <paramref name="account"/>: LID or phone JID.</summary>
    public string Address(EmulatedAccount account) => IsLidAddressed ? account.LidJid : account.PnJid;

    /// <summary>How this group names <paramref name="device"/>: LID or phone device JID.</summary>
    public string Address(LinkedDevice device) => IsLidAddressed ? device.LidJid : device.PnJid;

    /// <summary>
    /// The attributes naming a member as <paramref name="name"/> (e.g. <c>participant</c>): in the group's
    /// addressing, with the other form beside it as whatsmeow/Baileys read it — <c>{name}_pn</c> in a LID
    /// group, <c>{name}_lid</c> in a PN group.
    /// </summary>
    public (string, string?)[] MemberAttributes(string name, EmulatedAccount account) => IsLidAddressed
        ? [(name, account.LidJid), ($"{name}_pn", account.PnJid)]
        : [(name, account.PnJid), ($"{name}_lid", account.LidJid)];

    /// <summary>As <see cref="MemberAttributes(string, EmulatedAccount)"/> for one device of a member.</summary>
    public (string, string?)[] MemberAttributes(string name, LinkedDevice device) => IsLidAddressed
        ? [(name, device.LidJid), ($"{name}_pn", device.Account.PnJid)]
        : [(name, device.PnJid), ($"{name}_lid", device.Account.LidJid)];

    /// <summary>A member in metadata and notifications: <c>jid</c> in the group's addressing, the other form beside.</summary>
    public (string, string?)[] ParticipantAttributes(EmulatedAccount account) => IsLidAddressed
        ? [("jid", account.LidJid), ("phone_number", account.PnJid)]
        : [("jid", account.PnJid), ("lid", account.LidJid)];

    public string Jid => $"{Id}@g.us";

    public EmulatedAccount Creator { get; }

    public long Creation { get; }

    public string Subject { get; internal set; }

    public EmulatedAccount SubjectOwner { get; internal set; }

    public long SubjectTime { get; internal set; }

    public GroupDescription? Description { get; internal set; }

    /// <summary>Only admins may send messages.</summary>
    public bool IsAnnouncement { get; internal set; }

    /// <summary>Only admins may edit the group info (subject, description).</summary>
    public bool IsLocked { get; internal set; }

    /// <summary>Disappearing messages timer in seconds; 0 when off.</summary>
    public int EphemeralSeconds { get; internal set; }

    /// <summary>The current picture's id; null when the group has none.</summary>
    public string? PictureId { get; internal set; }

    /// <summary>The current invite code (https://chat.whatsapp.com/&lt;code&gt;); revoking replaces it.</summary>
    public string InviteCode { get; internal set; }

    /// <summary>All members including the creator, in joining order.</summary>
    public IReadOnlyList<EmulatedAccount> Members
    {
        get
        {
            lock (SyncRoot)
            {
                return [.. _participants.Select(p => p.Account)];
            }
        }
    }

    public IReadOnlyList<(EmulatedAccount Account, GroupRole Role)> Participants
    {
        get
        {
            lock (SyncRoot)
            {
                return [.. _participants];
            }
        }
    }

    /// <summary>The account's role, or null when it is not a member.</summary>
    public GroupRole? RoleOf(EmulatedAccount account)
    {
        lock (SyncRoot)
        {
            var index = _participants.FindIndex(p => p.Account == account);
            return index < 0 ? null : _participants[index].Role;
        }
    }

    public bool IsMember(EmulatedAccount account) => RoleOf(account) is not null;

    public bool IsAdmin(EmulatedAccount account) => RoleOf(account) is GroupRole.Admin or GroupRole.SuperAdmin;

    internal bool AddMember(EmulatedAccount account)
    {
        lock (SyncRoot)
        {
            if (_participants.Exists(p => p.Account == account))
            {
                return false;
            }

            _participants.Add((account, GroupRole.Member));
            return true;
        }
    }

    internal bool RemoveMember(EmulatedAccount account)
    {
        lock (SyncRoot)
        {
            return _participants.RemoveAll(p => p.Account == account) > 0;
        }
    }

    internal bool SetRole(EmulatedAccount account, GroupRole role)
    {
        lock (SyncRoot)
        {
            var index = _participants.FindIndex(p => p.Account == account);
            if (index < 0)
            {
                return false;
            }

            _participants[index] = (account, role);
            return true;
        }
    }
}
