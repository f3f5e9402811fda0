using CodeChat.WhatsApp.Binary;

namespace CodeChat.WhatsApp.Signal.Groups;

/// <summary>
/// Names one sender's sender key in one group: the group JID (or <c>status@broadcast</c>) and the
/// sender's Signal address (whatsapp-protocol.md §6.7; Baileys <c>SenderKeyName</c>, libsignal
/// <c>SenderKeyName</c>). For our own sends whatsmeow uses our LID address.
/// </summary>
public readonly record struct SenderKeyName
{
    public SenderKeyName(Jid group, SignalAddress sender)
    {
        if (group.IsEmpty || group.User.Length == 0)
        {
            throw new ArgumentException($"A sender key belongs to a group or broadcast JID; got '{group}'.", nameof(group));
        }
        if (string.IsNullOrEmpty(sender.Name))
        {
            throw new ArgumentException("The sender address is empty.", nameof(sender));
        }
        Group = group;
        Sender = sender;
    }

    public Jid Group { get; }

    public SignalAddress Sender { get; }

    /// <summary>Baileys' key form <c>group::name::device</c>, e.g. for logs and in-memory maps.</summary>
    public override string ToString() => $"{Group}::{Sender.Name}::{Sender.DeviceId}";
}
