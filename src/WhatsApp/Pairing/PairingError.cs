namespace CodeChat.WhatsApp.Pairing;

/// <summary>The error a companion reports back for a pair-success it rejects (whatsmeow <c>sendPairError</c>).</summary>
public sealed record PairingError(int Code, string Text)
{
    public static PairingError HmacMismatch { get; } = new(401, "hmac-mismatch");

    public static PairingError SignatureMismatch { get; } = new(401, "signature-mismatch");

    public static PairingError InternalError { get; } = new(500, "internal-error");
}
