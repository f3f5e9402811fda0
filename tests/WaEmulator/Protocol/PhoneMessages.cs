using System.Security.Cryptography;
using CodeChat.WaEmulator.Model;
using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Crypto;
using CodeChat.WhatsApp.Proto;
using CodeChat.WhatsApp.Signal;
using Microsoft.Extensions.Logging;

namespace CodeChat.WaEmulator.Protocol;

/// <summary>
/// A phone sending to its own companions (history sync notifications, app-state key shares): the
/// Signal ciphertext from <see cref="SimulatedPhone.EncryptForCompanion"/> in a <c>&lt;message&gt;</c>
/// from the account's device 0, and the receipts the companion answers with, kept by the phone.
/// <para>
/// Shape: <c>from</c> is the account's PN without device (device 0), no <c>recipient</c>, and
/// <c>category="peer"</c>: Baileys 7 decode-wa-message.js says such "peer-routed self stanzas (history
/// sync, app-state sync, etc.) arrive with from set to our own device but no recipient", and
/// whatsapp-protocol.md §6.11 gives peer messages between own devices that category. Clients answer
/// it with a <c>peer_msg</c> receipt (§7.2).
/// </para>
/// </summary>
internal sealed class PhoneMessages(ChatServer server, ILogger logger)
{
    /// <summary>
    /// Encrypts <paramref name="message"/> for <paramref name="companion"/> and delivers it (or queues it
    /// while offline); returns the message id. <paramref name="sender"/> (test-only) makes another
    /// account's phone send it, as a stranger would.
    /// </summary>
    public string Send(LinkedDevice companion, Message message, EmulatedAccount? sender = null)
    {
        ArgumentNullException.ThrowIfNull(companion);
        ArgumentNullException.ThrowIfNull(message);
        var account = sender ?? companion.Account;
        var phone = account.PrimaryPhone;
        var encrypted = phone.EncryptForCompanion(companion, message, TakeBundle);
        // phones use 32 upper-case hex characters (whatsapp-protocol.md §6.12)
        var id = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        if (account == companion.Account)
        {
            phone.NoteSent(id, companion);
        }
        var stanza = Stanzas.Children(
            "message",
            [("from", account.PnJid), ("id", id), ("type", "text"), ("category", "peer"), ("t", Stanzas.UnixNow())],
            [Stanzas.Make("enc", [("v", "2"), ("type", encrypted.EncType)], NodeContent.FromBytes(encrypted.Serialized))]);
        server.Router.Deliver(companion, stanza);
        return id;
    }

    /// <summary>
    /// A peer message a companion sent its own phone (accepted by <see cref="SimulatedPhone.Inspect"/>):
    /// the phone decrypts it, and answers an APP_STATE_SYNC_KEY_REQUEST with an APP_STATE_SYNC_KEY_SHARE
    /// of the keys it holds among those asked (whatsapp-protocol.md §6.11, §9.2). Anything else it reads
    /// and drops.
    /// </summary>
    public void ReadPeerMessage(LinkedDevice companion, Node enc)
    {
        var phone = companion.Account.PrimaryPhone;
        if (phone.DecryptFromCompanion(companion, enc, out var failure) is not { } message)
        {
            logger.LogWarning("Phone {Phone} cannot decrypt a peer message from {Companion}: {Failure}", companion.Account.Phone, companion.PnJid, failure);
            return;
        }
        if (message.ProtocolMessage is { Type: ProtocolMessage.Types.Type.AppStateSyncKeyRequest, AppStateSyncKeyRequest: { } request })
        {
            var answer = phone.AppStateKeys.Answer(companion.PnJid, request);
            logger.LogInformation("Phone {Phone}: {Companion} asked for {Count} app-state key(s); sharing {Shared}",
                companion.Account.Phone, companion.PnJid, request.KeyIDs.Count, answer?.ProtocolMessage.AppStateSyncKeyShare.Keys.Count ?? 0);
            if (answer is not null)
                Send(companion, answer);
        }
    }

    /// <summary>
    /// A companion's receipt for a message its own phone sent: kept by the phone (which is where the
    /// real server routes it), acked, and not forwarded to the account's other devices. False for
    /// every other receipt.
    /// </summary>
    public bool TryTakeReceipt(ChatSession session, Node receipt)
    {
        var reader = session.Device!;
        if (receipt.GetJid("to") is not { } to || to.IsGroup || to.Device != 0 || server.Directory.FindUser(to) != reader.Account)
        {
            return false;
        }

        var ids = new List<string>();
        if (receipt.GetAttribute("id") is { } first)
        {
            ids.Add(first);
        }

        ids.AddRange(receipt.GetChild("list")?.GetChildren("item").Select(item => item.GetAttribute("id")).OfType<string>() ?? []);
        if (!reader.Account.PrimaryPhone.TryRecordReceipt(reader.PnJid, receipt.GetAttribute("type"), ids))
        {
            return false;
        }

        foreach (var id in ids)
        {
            server.Router.Acknowledge(session, "message", id);
        }

        session.Send(Stanzas.Make("ack", ("class", "receipt"), ("id", receipt.GetAttribute("id")), ("from", to.ToString()), ("type", receipt.GetAttribute("type"))));
        return true;
    }

    // What a key IQ for the companion would answer: its uploaded keys and one of its one-time prekeys.
    private PreKeyBundle TakeBundle(LinkedDevice companion)
    {
        var keys = companion.Keys;
        var oneTime = keys.TakeOneTimePreKey();
        PreKeyCountNotifications.NotifyIfLow(server, companion);
        var signed = keys.SignedPreKey;
        return new PreKeyBundle(
            System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(keys.RegistrationId),
            Curve25519PublicKey.FromBytes(keys.IdentityPublicKey),
            ThreeByteId(signed.Id),
            Curve25519PublicKey.FromBytes(signed.PublicKey),
            signed.Signature,
            oneTime is null ? null : ThreeByteId(oneTime.Id),
            oneTime is null ? null : Curve25519PublicKey.FromBytes(oneTime.PublicKey));
    }

    private static uint ThreeByteId(byte[] id) => (uint)(id[0] << 16 | id[1] << 8 | id[2]);
}
