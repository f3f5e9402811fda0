namespace CodeChat.WhatsApp.Pairing;

/// <summary>Result of the companion's finish step: the bundle to send and the adv secret to persist first.</summary>
public sealed record CompanionPairingFinish(byte[] WrappedKeyBundle, byte[] AdvSecret)
{
    public override string ToString() => $"CompanionPairingFinish({WrappedKeyBundle.Length}-byte bundle)";
}
