using CodeChat.WhatsApp.Crypto;

namespace CodeChat.WhatsApp.ServerSide;

/// <summary>What the server learned from ClientFinish: the client's static (noise) key and its decrypted ClientPayload bytes.</summary>
public sealed record ClientFinishResult(Curve25519PublicKey ClientStaticKey, byte[] ClientPayload);
