using CodeChat.WhatsApp.Crypto;

namespace CodeChat.WhatsApp.ServerSide;

/// <summary>What the phone learns from companion_finish.</summary>
public sealed record PrimaryPairingResult(Curve25519PublicKey CompanionIdentity, byte[] AdvSecret)
{
    public override string ToString() => $"PrimaryPairingResult(companion {CompanionIdentity})";
}
