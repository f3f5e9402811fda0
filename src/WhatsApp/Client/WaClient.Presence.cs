using CodeChat.WhatsApp.Binary;

namespace CodeChat.WhatsApp.Client;

// Concern: typing indicators (whatsapp-protocol.md §5.4; whatsmeow presence.go SendChatPresence,
// Baileys 7 sendPresenceUpdate): <chatstate from=own to=chat> with <composing/> (recording is
// <composing media="audio"/>) or <paused/>. Fire and forget: the server sends no answer.
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
}
