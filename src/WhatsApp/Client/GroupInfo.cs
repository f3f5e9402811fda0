using CodeChat.WhatsApp.Binary;

namespace CodeChat.WhatsApp.Client;

/// <summary>One group participant as a send needs it: its JID in the group's addressing and, when the server tells it, the other form.</summary>
public sealed record GroupParticipant(Jid Jid, Jid? Lid, Jid? PhoneNumber);

/// <summary>A group as a send needs it: its JID, subject and current participants (full metadata: <see cref="Groups.GroupMetadata"/>).</summary>
public sealed record GroupInfo(Jid Jid, string? Subject, IReadOnlyList<GroupParticipant> Participants);
