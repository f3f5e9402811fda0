using CodeChat.WhatsApp.Crypto;
using CodeChat.WhatsApp.Tests.Crypto;

namespace CodeChat.WhatsApp.Tests.Pairing;

/// <summary>The fixed key pairs of vectors.json (key.*), whatsapp-protocol.md §12.</summary>
internal static class PairingVectorKeys
{
    public static Curve25519KeyPair Key(string name) => Curve25519KeyPair.FromPrivateKey(KnownAnswers.Hex($"key.{name}.priv"));

    public static byte[] Sequence(byte start, int length) => Enumerable.Range(start, length).Select(i => (byte)i).ToArray();
}
