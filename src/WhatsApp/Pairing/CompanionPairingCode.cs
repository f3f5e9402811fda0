using System.Security.Cryptography;
using CodeChat.WhatsApp.Crypto;

namespace CodeChat.WhatsApp.Pairing;

/// <summary>
/// Companion side of one pairing-code attempt (whatsapp-protocol.md §4.4): the code shown to the
/// user, the ephemeral key wrapped into companion_hello, and the finish step that builds the key
/// bundle and derives the adv secret that replaces the random one.
/// </summary>
public sealed class CompanionPairingCode
{
    public CompanionPairingCode(string code, Curve25519KeyPair ephemeralKey)
    {
        ArgumentNullException.ThrowIfNull(ephemeralKey);
        if (!PairingCode.IsValid(code))
        {
            throw new ArgumentException("Not a pairing code.", nameof(code));
        }
        Code = code;
        EphemeralKey = ephemeralKey;
    }

    /// <summary>The 8 characters without dash, as the phone expects them typed.</summary>
    public string Code { get; }

    public Curve25519KeyPair EphemeralKey { get; }

    public static CompanionPairingCode Create() => new(PairingCode.Generate(), Curve25519KeyPair.Generate());

    /// <summary>The 80-byte <c>link_code_pairing_wrapped_companion_ephemeral_pub</c>.</summary>
    public byte[] WrapEphemeralKey() => PairingCode.WrapEphemeralKey(Code, EphemeralKey.PublicKey);

    /// <summary>
    /// Processes the phone's link_code_companion_reg notification: unwraps its ephemeral key, seals
    /// the key bundle for companion_finish and derives the new adv secret (persist it before sending).
    /// </summary>
    public CompanionPairingFinish Finish(ReadOnlySpan<byte> wrappedPrimaryEphemeral, Curve25519PublicKey primaryIdentity, Curve25519KeyPair identityKey) =>
        Finish(
            wrappedPrimaryEphemeral,
            primaryIdentity,
            identityKey,
            RandomNumberGenerator.GetBytes(PairingCodeKeyBundle.SaltLength),
            RandomNumberGenerator.GetBytes(AesGcmCipher.NonceLength),
            RandomNumberGenerator.GetBytes(PairingCodeKeyBundle.AdvRandomLength));

    /// <summary>Deterministic variant with caller-chosen randomness, for known-answer tests.</summary>
    public CompanionPairingFinish Finish(
        ReadOnlySpan<byte> wrappedPrimaryEphemeral,
        Curve25519PublicKey primaryIdentity,
        Curve25519KeyPair identityKey,
        ReadOnlySpan<byte> bundleSalt,
        ReadOnlySpan<byte> bundleNonce,
        ReadOnlySpan<byte> advRandom)
    {
        ArgumentNullException.ThrowIfNull(primaryIdentity);
        ArgumentNullException.ThrowIfNull(identityKey);
        var primaryEphemeral = PairingCode.UnwrapEphemeralKey(Code, wrappedPrimaryEphemeral);
        byte[] ephemeralShared;
        byte[] identityShared;
        try
        {
            ephemeralShared = EphemeralKey.Agree(primaryEphemeral);
            identityShared = identityKey.Agree(primaryIdentity);
        }
        catch (CryptographicException exception)
        {
            // A wrong code unwraps to an arbitrary point; a low-order one is rejected by the agreement.
            throw new PairingException(PairingError.InternalError, "The phone's ephemeral key is unusable (wrong code?).", exception);
        }
        try
        {
            var bundle = PairingCodeKeyBundle.Seal(ephemeralShared, identityKey.PublicKey, primaryIdentity, advRandom, bundleSalt, bundleNonce);
            var advSecret = PairingCodeKeyBundle.DeriveAdvSecret(ephemeralShared, identityShared, advRandom);
            return new CompanionPairingFinish(bundle, advSecret);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(ephemeralShared);
            CryptographicOperations.ZeroMemory(identityShared);
        }
    }

    public override string ToString() => "CompanionPairingCode";
}
