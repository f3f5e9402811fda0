namespace CodeChat.WhatsApp.Socket;

/// <summary>Facts from a server certificate chain that passed verification.</summary>
public sealed record VerifiedCertificateChain(
    uint IntermediateSerial,
    uint LeafSerial,
    DateTimeOffset IntermediateNotAfter,
    DateTimeOffset LeafNotAfter);
