using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Proto;
using Google.Protobuf;

namespace CodeChat.WhatsApp.Pairing;

/// <summary>Stanzas the companion sends while pairing (whatsapp-protocol.md §4.2–4.4).</summary>
public static class PairingNodes
{
    /// <summary>The empty result that acknowledges a server iq such as pair-device.</summary>
    public static Node IqResult(string iqId) =>
        new("iq", [new("to", Jid.ServerJid), new("id", iqId), new("type", "result")]);

    /// <summary>Answer to pair-success: our signed identity without the account signature key (§4.3 step 7).</summary>
    public static Node PairDeviceSign(string iqId, ADVSignedDeviceIdentity replyIdentity, uint keyIndex)
    {
        ArgumentException.ThrowIfNullOrEmpty(iqId);
        ArgumentNullException.ThrowIfNull(replyIdentity);
        var identity = new Node(
            "device-identity",
            [new("key-index", keyIndex.ToString(System.Globalization.CultureInfo.InvariantCulture))],
            replyIdentity.ToByteArray());
        return new Node(
            "iq",
            [new("to", Jid.ServerJid), new("type", "result"), new("id", iqId)],
            new Node("pair-device-sign", default, identity));
    }

    /// <summary>Rejects a pair-success (§4.3 step 8).</summary>
    public static Node PairError(string iqId, PairingError error)
    {
        ArgumentException.ThrowIfNullOrEmpty(iqId);
        ArgumentNullException.ThrowIfNull(error);
        return new Node(
            "iq",
            [new("to", Jid.ServerJid), new("type", "error"), new("id", iqId)],
            new Node("error", [new("code", error.Code.ToString(System.Globalization.CultureInfo.InvariantCulture)), new("text", error.Text)]));
    }

    /// <summary>The companion_hello stage of pairing-code linking (§4.4 step 4), without the iq id.</summary>
    public static Node CompanionHello(
        Jid phone,
        ReadOnlyMemory<byte> wrappedCompanionEphemeral,
        ReadOnlyMemory<byte> noisePublicKey,
        CompanionClientType clientType,
        string clientDisplayName,
        bool showPushNotification = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(clientDisplayName);
        return new Node(
            "link_code_companion_reg",
            [
                new("jid", phone),
                new("stage", "companion_hello"),
                new("should_show_push_notification", showPushNotification ? "true" : "false"),
            ],
            new Node[]
            {
                new("link_code_pairing_wrapped_companion_ephemeral_pub", default, wrappedCompanionEphemeral),
                new("companion_server_auth_key_pub", default, noisePublicKey),
                new("companion_platform_id", default, PairingQrCode.ClientTypeId(clientType)),
                new("companion_platform_display", default, clientDisplayName),
                new("link_code_pairing_nonce", default, new byte[] { 0 }),
            });
    }

    /// <summary>The companion_finish stage (§4.4 step 11), without the iq id.</summary>
    public static Node CompanionFinish(Jid phone, ReadOnlyMemory<byte> wrappedKeyBundle, ReadOnlyMemory<byte> identityPublicKey, string pairingRef)
    {
        ArgumentException.ThrowIfNullOrEmpty(pairingRef);
        return new Node(
            "link_code_companion_reg",
            [new("jid", phone), new("stage", "companion_finish")],
            new Node[]
            {
                new("link_code_pairing_wrapped_key_bundle", default, wrappedKeyBundle),
                new("companion_identity_public", default, identityPublicKey),
                new("link_code_pairing_ref", default, System.Text.Encoding.UTF8.GetBytes(pairingRef)),
            });
    }
}
