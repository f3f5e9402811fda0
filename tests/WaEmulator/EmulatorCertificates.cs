using CodeChat.WhatsApp.Crypto;
using CodeChat.WhatsApp.ServerSide;
using CodeChat.WhatsApp.Socket;

namespace CodeChat.WaEmulator;

/// <summary>
/// The emulator's own certificate hierarchy: a root key (clients under test must trust it instead of
/// WhatsApp's), an intermediate with WhatsApp's issuer serials, and a leaf for the server static key.
/// The signatures are genuine XEdDSA, so a strict client verifies the chain for real.
/// </summary>
public sealed class EmulatorCertificates
{
    private readonly Curve25519KeyPair _root = Curve25519KeyPair.Generate();

    public EmulatorCertificates()
    {
        var now = DateTimeOffset.UtcNow;
        CertificateChain = CertificateChainBuilder.Build(
            _root,
            Curve25519KeyPair.Generate(),
            ServerStaticKey.PublicKey,
            now.AddDays(-1),
            now.AddDays(30));
    }

    /// <summary>The public key a client must configure as its trusted root (32 bytes).</summary>
    public ReadOnlyMemory<byte> RootPublicKey => _root.PublicKey.Raw32;

    /// <summary>The Noise static key of the server; the leaf certificate carries its public key.</summary>
    public Curve25519KeyPair ServerStaticKey { get; } = Curve25519KeyPair.Generate();

    /// <summary>Serialized CertChain sent (encrypted) in every ServerHello.</summary>
    public ReadOnlyMemory<byte> CertificateChain { get; }

    /// <summary>A verifier that trusts this emulator's root, for C# clients under test.</summary>
    public CertificateChainVerifier CreateVerifier() => new(_root.PublicKey);
}
