using System.Globalization;
using CodeChat.WhatsApp.Binary;

namespace CodeChat.WhatsApp.Client;

// Concern: presence (whatsapp-protocol.md §5.4). Facts from whatsmeow presence.go (SendPresence,
// SubscribePresence, SendChatPresence, handlePresence, handleChatState) and Baileys 7
// Socket/chats.ts (sendPresenceUpdate, presenceSubscribe, handlePresenceUpdate):
// - ours online/offline: <presence type="available|unavailable" name="<push name>"/> (WhatsApp takes the
//   push name from it; both clients refuse to send it without one);
// - typing: <chatstate from=own to=chat> with <composing/> (recording: <composing media="audio"/>) or <paused/>;
// - a contact's online state reaches us only after <presence type="subscribe" to=jid/>: then
//   <presence from=jid [type="unavailable"] [last="<unix s>|deny"]/>, and again on each change;
// - their typing: <chatstate from=chat [participant=member]><composing [media="audio"]/>|<paused/></chatstate>.
// All fire and forget: the server sends no answer.
public sealed partial class WaClient
{
    /// <summary>Shows <paramref name="presence"/> in the chat with <paramref name="chat"/> (a user or a group).</summary>
    /// <exception cref="WaClientException">Not logged in or not connected.</exception>
    public async Task SendChatPresenceAsync(Jid chat, ChatPresence presence, CancellationToken cancellationToken = default)
    {
        var own = Credentials?.GetJid() ?? throw new WaClientException("Not logged in.");
        var state = presence switch
        {
            ChatPresence.Composing => new Node("composing"),
            ChatPresence.Recording => new Node("composing", [new("media", "audio")]),
            _ => new Node("paused"),
        };
        await SendNodeAsync(new Node("chatstate", [new("from", own.ToNonAd()), new("to", chat.ToNonAd())], state), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Shows us online or offline to the contacts subscribed to our presence.</summary>
    /// <exception cref="WaClientException">Not logged in, not connected, or the account has no push name yet.</exception>
    public async Task SendPresenceAsync(bool available, CancellationToken cancellationToken = default)
    {
        var credentials = Credentials ?? throw new WaClientException("Not logged in.");
        if (string.IsNullOrEmpty(credentials.PushName))
            throw new WaClientException("WhatsApp needs the account's push name before it accepts a presence.");
        // Baileys strips '@' from the name it announces; WhatsApp would read it as a JID separator.
        var name = credentials.PushName.Replace("@", "", StringComparison.Ordinal);
        await SendNodeAsync(new Node("presence", [new("name", name), new("type", available ? "available" : "unavailable")]), cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>Asks WhatsApp for <paramref name="contact"/>'s online state, now and on every change (as <see cref="PresenceEvent"/>s).</summary>
    public Task SubscribePresenceAsync(Jid contact, CancellationToken cancellationToken = default) =>
        SendNodeAsync(new Node("presence", [new("type", "subscribe"), new("to", contact.ToNonAd())]), cancellationToken);

    private void HandlePresence(Node node)
    {
        if (ParsePresence(node) is { } presence)
            Publish(presence);
    }

    /// <summary>The <see cref="PresenceEvent"/> a <c>&lt;presence&gt;</c> or <c>&lt;chatstate&gt;</c> stanza carries, or null for other kinds.</summary>
    internal static PresenceEvent? ParsePresence(Node node)
    {
        if (!Jid.TryParse(node.GetAttribute("from"), out var from))
            return null;
        if (node.Tag == "presence")
        {
            PresenceState? state = node.GetAttribute("type") switch
            {
                null or "available" => PresenceState.Available,
                "unavailable" => PresenceState.Unavailable,
                _ => null, // subscribe echoes, errors
            };
            if (state is null)
                return null;
            DateTimeOffset? lastSeen = long.TryParse(node.GetAttribute("last"), NumberStyles.None, CultureInfo.InvariantCulture, out var last) && last > 0
                ? DateTimeOffset.FromUnixTimeSeconds(last)
                : null; // "deny": hidden by their privacy settings
            return new PresenceEvent(from, from, state.Value, lastSeen);
        }

        var participant = Jid.TryParse(node.GetAttribute("participant"), out var member) ? member : from;
        var child = node.Children.FirstOrDefault();
        PresenceState? chatState = child?.Tag switch
        {
            "composing" when child.GetAttribute("media") == "audio" => PresenceState.Recording,
            "composing" => PresenceState.Composing,
            "paused" => PresenceState.Paused,
            _ => null,
        };
        return chatState is { } typed ? new PresenceEvent(from, participant, typed, null) : null;
    }
}
