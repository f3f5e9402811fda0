using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Crypto;
using CodeChat.WhatsApp.Pairing;
using CodeChat.WhatsApp.Proto;
using CodeChat.WhatsApp.ServerSide;
using Google.Protobuf;

namespace CodeChat.WhatsApp.Tests.Client;

/// <summary>The phone side of pairing, built on the public phone-side API of CodeChat.WhatsApp.Pairing.</summary>
internal sealed class FakePhone
{
    public Curve25519KeyPair AccountKey { get; } = Curve25519KeyPair.Generate();

    public Jid DeviceJid { get; } = Jid.Parse("15551234567:12@s.whatsapp.net");

    public Jid DeviceLid { get; } = Jid.Parse("123456789012345:12@lid");

    public ADVSignedDeviceIdentity? Issued { get; private set; }

    /// <summary>Parses a QR string the way the phone's scanner does: ref, noise, identity, adv secret, platform.</summary>
    public static (string Ref, byte[] Noise, byte[] Identity, byte[] AdvSecret, string Platform) Scan(string qr)
    {
        Assert.StartsWith(PairingQrCode.Prefix, qr);
        var parts = qr[PairingQrCode.Prefix.Length..].Split(',');
        Assert.Equal(5, parts.Length);
        return (parts[0], Convert.FromBase64String(parts[1]), Convert.FromBase64String(parts[2]), Convert.FromBase64String(parts[3]), parts[4]);
    }

    public Node PairSuccess(string iqId, byte[] companionIdentity, byte[] advSecret)
    {
        var details = new ADVDeviceIdentity { RawID = 77, Timestamp = 1_700_000_000, KeyIndex = 3 };
        var container = PrimaryDeviceIdentity.CreateSignedDeviceIdentity(AccountKey, details, Curve25519PublicKey.FromBytes(companionIdentity), advSecret);
        Issued = ADVSignedDeviceIdentity.Parser.ParseFrom(container.Details);
        return new Node("iq", [new("from", Jid.ServerJid), new("type", "set"), new("id", iqId), new("xmlns", "md")],
            new Node("pair-success", default, new Node[]
            {
                new("device-identity", default, container.ToByteArray()),
                new("platform", [new("name", "android")]),
                new("device", [new("jid", DeviceJid), new("lid", DeviceLid)]),
            }));
    }

    public bool AcceptsReply(Node reply, byte[] companionIdentity)
    {
        var identity = reply.GetRequiredChild("pair-device-sign").GetRequiredChild("device-identity");
        var signed = ADVSignedDeviceIdentity.Parser.ParseFrom(identity.Bytes!.Value.Span);
        return !signed.HasAccountSignatureKey
            && identity.GetAttribute("key-index") == "3"
            && PrimaryDeviceIdentity.VerifyCompanionReply(signed, Issued!, AccountKey.PublicKey, Curve25519PublicKey.FromBytes(companionIdentity));
    }

    public static Node PairDevice(params string[] refs) =>
        new("iq", [new("from", Jid.ServerJid), new("type", "set"), new("id", "pd-1"), new("xmlns", "md")],
            new Node("pair-device", default, NodeContent.FromChildren(refs.Select(r => new Node("ref", default, System.Text.Encoding.UTF8.GetBytes(r))))));
}
