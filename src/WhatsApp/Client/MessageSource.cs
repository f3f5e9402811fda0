using CodeChat.WhatsApp.Binary;

namespace CodeChat.WhatsApp.Client;

/// <summary>
/// Who sent an incoming <c>&lt;message&gt;</c> and in which chat, read from its attributes as
/// whatsapp-protocol.md §7.1 describes them (whatsmeow <c>parseMessageSource</c>, Baileys
/// <c>extractAddressingContext</c>).
/// </summary>
/// <param name="Chat">The chat without device: the group, or the other user (for our own sends from another device: <c>recipient</c>).</param>
/// <param name="Sender">The sending device as addressed on the wire (PN or LID, with device).</param>
/// <param name="SenderAlternate">
/// The sender's other identity without device: its phone number when <paramref name="Sender"/> is a
/// LID (<c>sender_pn</c>/<c>participant_pn</c>), its LID when it is a phone number
/// (<c>sender_lid</c>/<c>participant_lid</c>); null when the stanza names none.
/// </param>
public sealed record MessageSource(
    Jid Chat,
    Jid Sender,
    Jid? SenderAlternate,
    bool IsFromMe,
    bool IsGroup)
{
    /// <summary>The sender's phone-number user (non-AD), when the stanza tells it.</summary>
    public Jid? SenderPhoneNumber => Sender.IsUserPn ? Sender.ToNonAd() : SenderAlternate is { IsUserPn: true } pn ? pn : null;

    /// <summary>The sender's LID user (non-AD), when the stanza tells it.</summary>
    public Jid? SenderLid => Sender.IsLid ? Sender.ToNonAd() : SenderAlternate is { IsLid: true } lid ? lid : null;

    /// <summary>Reads the addressing of <paramref name="message"/>; <paramref name="ownPhoneNumber"/>/<paramref name="ownLid"/> tell our own sends apart.</summary>
    /// <exception cref="WaBinaryException">A required attribute is missing or not a JID.</exception>
    public static MessageSource Parse(Node message, Jid ownPhoneNumber, Jid? ownLid)
    {
        ArgumentNullException.ThrowIfNull(message);
        var from = message.GetRequiredJid("from");
        if (from.IsGroup || from.IsStatusBroadcast || from.IsBroadcastList)
        {
            var participant = message.GetRequiredJid("participant");
            var alternate = participant.IsLid ? message.GetJid("participant_pn") : message.GetJid("participant_lid");
            return new MessageSource(from, participant, alternate?.ToNonAd(), IsOwn(participant, ownPhoneNumber, ownLid), IsGroup: from.IsGroup);
        }
        var senderAlternate = from.IsLid ? message.GetJid("sender_pn") : message.GetJid("sender_lid");
        var fromMe = IsOwn(from, ownPhoneNumber, ownLid);
        // Our own message sent from another of our devices names the chat in recipient (§7.1).
        var chat = fromMe && message.GetJid("recipient") is { } recipient ? recipient.ToNonAd() : from.ToNonAd();
        return new MessageSource(chat, from, senderAlternate?.ToNonAd(), fromMe, IsGroup: false);
    }

    private static bool IsOwn(Jid sender, Jid ownPhoneNumber, Jid? ownLid) =>
        sender.IsSameUserAs(ownPhoneNumber) || (ownLid is { } lid && sender.IsSameUserAs(lid));
}
