namespace CodeChat.WhatsApp.Client;

/// <summary>
/// Public key material of a fresh device that goes into the registration ClientPayload
/// (whatsapp-protocol.md §2.7, §4.1). Plain byte arrays so this does not depend on a key type;
/// keys are the raw 32-byte Curve25519 form without the 0x05 Signal prefix.
/// </summary>
public sealed class ClientPayloadRegistrationKeys
{
    private const int PublicKeyLength = 32;
    private const int SignatureLength = 64;

    // The signed prekey id travels as 3 big-endian bytes.
    private const uint MaxSignedPreKeyId = 0xFF_FFFF;

    private readonly byte[] _identityPublicKey;
    private readonly byte[] _signedPreKeyPublicKey;
    private readonly byte[] _signedPreKeySignature;

    public ClientPayloadRegistrationKeys(
        uint registrationId,
        ReadOnlySpan<byte> identityPublicKey,
        uint signedPreKeyId,
        ReadOnlySpan<byte> signedPreKeyPublicKey,
        ReadOnlySpan<byte> signedPreKeySignature)
    {
        if (identityPublicKey.Length != PublicKeyLength)
        {
            throw new ArgumentException($"Identity public key must be {PublicKeyLength} bytes (no 0x05 prefix), got {identityPublicKey.Length}.", nameof(identityPublicKey));
        }

        if (signedPreKeyPublicKey.Length != PublicKeyLength)
        {
            throw new ArgumentException($"Signed prekey public key must be {PublicKeyLength} bytes (no 0x05 prefix), got {signedPreKeyPublicKey.Length}.", nameof(signedPreKeyPublicKey));
        }

        if (signedPreKeySignature.Length != SignatureLength)
        {
            throw new ArgumentException($"Signed prekey signature must be {SignatureLength} bytes, got {signedPreKeySignature.Length}.", nameof(signedPreKeySignature));
        }

        ArgumentOutOfRangeException.ThrowIfGreaterThan(signedPreKeyId, MaxSignedPreKeyId);

        RegistrationId = registrationId;
        SignedPreKeyId = signedPreKeyId;
        _identityPublicKey = identityPublicKey.ToArray();
        _signedPreKeyPublicKey = signedPreKeyPublicKey.ToArray();
        _signedPreKeySignature = signedPreKeySignature.ToArray();
    }

    public uint RegistrationId { get; }

    public uint SignedPreKeyId { get; }

    public ReadOnlySpan<byte> IdentityPublicKey => _identityPublicKey;

    public ReadOnlySpan<byte> SignedPreKeyPublicKey => _signedPreKeyPublicKey;

    /// <summary>XEdDSA signature by the identity key over <c>05 || signedPreKeyPublicKey</c>.</summary>
    public ReadOnlySpan<byte> SignedPreKeySignature => _signedPreKeySignature;
}
