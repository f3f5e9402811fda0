using CodeChat.WhatsApp.Crypto;
using CodeChat.WhatsApp.Socket;

namespace CodeChat.WhatsApp.ServerSide;

/// <summary>The identity a server-side <see cref="NoiseSocket"/> presents (see <see cref="NoiseServerSocket"/>).</summary>
public sealed class NoiseServerOptions : NoiseSocketOptions
{
    /// <summary>The server static key; the leaf certificate must carry its public key.</summary>
    public required Curve25519KeyPair StaticKey { get; init; }

    /// <summary>Serialized CertChain, e.g. from <see cref="CertificateChainBuilder"/>.</summary>
    public required ReadOnlyMemory<byte> CertificateChain { get; init; }

    /// <summary>Fixed ephemeral key for reproducible tests; null generates one per connection.</summary>
    public Curve25519KeyPair? EphemeralKey { get; init; }
}
