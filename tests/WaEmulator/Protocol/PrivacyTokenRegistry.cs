using System.Collections.Concurrent;
using System.Security.Cryptography;
using CodeChat.WaEmulator.Model;
using CodeChat.WhatsApp.Binary;

namespace CodeChat.WaEmulator.Protocol;

/// <summary>
/// Privacy tokens (whatsapp-protocol.md §6.13): a client issues its account's token to a contact with
/// <c>&lt;iq xmlns="privacy" type="set"&gt;&lt;tokens&gt;&lt;token jid t type="trusted_contact"/&gt;</c>
/// (whatsmeow tctoken.go issuePrivacyToken, Baileys 7 issuePrivacyTokens); the server mints opaque token
/// bytes, answers with a bare result (what whatsmeow expects) and tells every device of the contact with
/// <c>&lt;notification type="privacy_token" from sender_lid&gt;&lt;tokens&gt;&lt;token jid t type&gt;bytes</c>
/// (whatsmeow notification.go handlePrivacyTokenNotification: <c>jid</c> names the holder, <c>from</c> the
/// issuer). An account with <see cref="EmulatedAccount.RequiresPrivacyToken"/> admits a 1:1 message only
/// when its <c>&lt;tctoken&gt;</c> is the token that account issued to the sender.
/// </summary>
internal sealed class PrivacyTokenRegistry(ChatServer server)
{
    // (issuer phone, holder phone) → every token the issuer gave the holder. A newer token does not revoke
    // an older one: a client keeps attaching the token it holds until it expires (whatsmeow ensureTCToken),
    // and a contact may issue twice in quick succession.
    private readonly ConcurrentDictionary<(string Issuer, string Holder), ConcurrentQueue<byte[]>> _tokens = new();

    public Node Issue(ChatSession session, Node iq)
    {
        var issuer = session.Device!.Account;
        foreach (var request in iq.GetChild("tokens")?.GetChildren("token") ?? [])
        {
            if (request.GetAttribute("type") != "trusted_contact" || request.GetJid("jid") is not { } jid
                || server.Directory.FindUser(jid) is not { } holder || holder == issuer)
            {
                continue;
            }

            var token = RandomNumberGenerator.GetBytes(24);
            _tokens.GetOrAdd((issuer.Phone, holder.Phone), _ => new ConcurrentQueue<byte[]>()).Enqueue(token);
            var t = request.GetAttribute("t") ?? Stanzas.UnixNow();
            var notification = Stanzas.Children(
                "notification",
                [("from", issuer.PnJid), ("sender_lid", issuer.LidJid), ("type", "privacy_token"), ("id", server.NextId()), ("t", Stanzas.UnixNow())],
                [Stanzas.Children("tokens", [], [Stanzas.Make("token", [("jid", holder.PnJid), ("t", t), ("type", "trusted_contact")], NodeContent.FromBytes(token))])]);
            foreach (var device in holder.Devices)
            {
                server.Router.Deliver(device, notification);
            }
        }

        return Stanzas.Result(iq);
    }

    /// <summary>Whether <paramref name="recipient"/> admits a 1:1 <paramref name="message"/> from <paramref name="sender"/>.</summary>
    public bool Admits(EmulatedAccount sender, EmulatedAccount recipient, Node message)
    {
        if (!recipient.RequiresPrivacyToken || sender == recipient)
        {
            return true;
        }

        return message.GetChild("tctoken")?.Bytes is { } presented
            && _tokens.TryGetValue((recipient.Phone, sender.Phone), out var issued)
            && issued.Any(token => presented.Span.SequenceEqual(token));
    }

    /// <summary>Whether <paramref name="issuer"/> has issued a token to <paramref name="holder"/> (for tests).</summary>
    public bool HasIssued(EmulatedAccount issuer, EmulatedAccount holder) => _tokens.ContainsKey((issuer.Phone, holder.Phone));
}
