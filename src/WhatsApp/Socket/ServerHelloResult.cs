using CodeChat.WhatsApp.Crypto;

namespace CodeChat.WhatsApp.Socket;

/// <summary>What the client learned from a verified ServerHello.</summary>
public sealed record ServerHelloResult(Curve25519PublicKey ServerStaticKey, VerifiedCertificateChain CertificateChain);
