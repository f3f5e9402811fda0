using System.Buffers.Binary;
using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Store;

namespace CodeChat.WhatsApp.Client;

/// <summary>Receipts and acks for incoming messages (whatsapp-protocol.md §7.2).</summary>
public static class MessageNodes
{
    /// <summary>
    /// The delivery receipt of a handled message (whatsmeow <c>sendMessageReceipt</c>, Baileys
    /// <c>sendReceipt</c>): <c>to</c> = the stanza's <c>from</c>, <c>participant</c> and
    /// <c>recipient</c> copied. No type means "delivered" — not <c>inactive</c>, which whatsmeow
    /// sends until the client marks itself available; our own sends from another device get
    /// <c>sender</c>, peer stanzas <c>peer_msg</c>.
    /// </summary>
    public static Node DeliveryReceipt(Node message, bool fromMe)
    {
        ArgumentNullException.ThrowIfNull(message);
        var attributes = new List<NodeAttribute>
        {
            new("id", message.GetRequiredAttribute("id")),
            new("to", message.GetRequiredJid("from")),
        };
        CopyRouting(message, attributes);
        if (message.GetAttribute("category") == "peer")
        {
            attributes.Add(new("type", "peer_msg"));
        }
        else if (fromMe)
        {
            attributes.Add(new("type", "sender"));
        }
        return new Node("receipt", NodeAttributes.Create(attributes));
    }

    /// <summary>
    /// A retry receipt for a message we could not decrypt (whatsmeow retry.go <c>sendRetryReceipt</c>):
    /// the count, our registration id, and — from the second attempt on, or when we have no session
    /// at all — our keys with a fresh one-time prekey, so the sender can build a new session without
    /// fetching a bundle.
    /// </summary>
    public static Node RetryReceipt(Node message, int count, DeviceCredentials credentials, PreKeyRecord? oneTimePreKey)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(credentials);
        var id = message.GetRequiredAttribute("id");
        var attributes = new List<NodeAttribute>
        {
            new("id", id),
            new("type", "retry"),
            new("to", message.GetRequiredJid("from")),
        };
        CopyRouting(message, attributes);
        var retryAttributes = new List<NodeAttribute>
        {
            new("count", ClientNodes.Text((uint)count)),
            new("id", id),
        };
        if (message.Attributes.TryGetValue("t", out var t))
        {
            retryAttributes.Add(new("t", t));
        }
        retryAttributes.Add(new("v", "1"));
        var registration = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(registration, credentials.RegistrationId);
        var children = new List<Node>
        {
            new("retry", NodeAttributes.Create(retryAttributes)),
            new("registration", default, registration),
        };
        if (oneTimePreKey is not null && credentials.Account is { } account)
        {
            children.Add(new Node("keys", default, new Node[]
            {
                new("type", default, new byte[] { 0x05 }),
                new("identity", default, credentials.IdentityKey.PublicKey),
                new("key", default, new Node[]
                {
                    new("id", default, ClientNodes.ThreeByteId(oneTimePreKey.Id)),
                    new("value", default, oneTimePreKey.KeyPair.PublicKey),
                }),
                new("skey", default, new Node[]
                {
                    new("id", default, ClientNodes.ThreeByteId(credentials.SignedPreKey.Id)),
                    new("value", default, credentials.SignedPreKey.KeyPair.PublicKey),
                    new("signature", default, credentials.SignedPreKey.Signature),
                }),
                new("device-identity", default, account),
            }));
        }
        return new Node("receipt", NodeAttributes.Create(attributes), children);
    }

    /// <summary>
    /// The ack of a message (whatsmeow <c>sendAck</c>: no <c>type</c> for class message), optionally
    /// a nack with an error code (whatsmeow <c>Nack*</c>: 491 invalid protobuf, 488 unrecognized stanza).
    /// </summary>
    public static Node MessageAck(Node message, int? error = null)
    {
        var ack = ClientNodes.Ack(message);
        return error is { } code ? ack.WithAttribute("error", ClientNodes.Text((uint)code)) : ack;
    }

    /// <summary>
    /// The receipt that tells the phone a history sync chunk was taken in (whatsmeow
    /// <c>SendProtocolMessageReceipt(…, ReceiptTypeHistorySync)</c>, whatsapp-protocol.md §9.1):
    /// <c>&lt;receipt id type="hist_sync" to="&lt;own PN non-AD&gt;"/&gt;</c>.
    /// </summary>
    public static Node HistorySyncReceipt(string messageId, Jid ownPhoneNumber)
    {
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        return new Node("receipt", NodeAttributes.Create([
            new("id", messageId),
            new("type", "hist_sync"),
            new("to", ownPhoneNumber.ToNonAd()),
        ]));
    }

    private static void CopyRouting(Node message, List<NodeAttribute> attributes)
    {
        if (message.Attributes.TryGetValue("participant", out var participant))
        {
            attributes.Add(new("participant", participant));
        }
        if (message.Attributes.TryGetValue("recipient", out var recipient))
        {
            attributes.Add(new("recipient", recipient));
        }
    }
}
