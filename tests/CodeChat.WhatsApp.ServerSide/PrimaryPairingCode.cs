using System.Security.Cryptography;
using CodeChat.WhatsApp.Crypto;
using CodeChat.WhatsApp.Pairing;

namespace CodeChat.WhatsApp.ServerSide;

/// <summary>
/// Phone (primary device) side of pairing-code linking, for the test emulator: the user typed
/// <see cref="Code"/>; the phone unwraps the companion's ephemeral key, answers with its own wrapped
/// ephemeral key, then opens the companion's key bundle and derives the same adv secret.
/// </summary>
public sealed class PrimaryPairingCode
{
    public PrimaryPairingCode(string code, Curve25519KeyPair ephemeralKey, Curve25519KeyPair primaryIdentity)
    {
        ArgumentNullException.ThrowIfNull(ephemeralKey);
        ArgumentNullException.ThrowIfNull(primaryIdentity);
        if (!PairingCode.IsValid(code))
        {
            throw new ArgumentException("Not a pairing code.", nameof(code));
        }
        Code = code;
        EphemeralKey = ephemeralKey;
        PrimaryIdentity = primaryIdentity;
    }

    public string Code { get; }

    public Curve25519KeyPair EphemeralKey { get; }

    public Curve25519KeyPair PrimaryIdentity { get; }

    /// <summary>The 80-byte <c>link_code_pairing_wrapped_primary_ephemeral_pub</c>.</summary>
    public byte[] WrapEphemeralKey() => PairingCode.WrapEphemeralKey(Code, EphemeralKey.PublicKey);

    public byte[] WrapEphemeralKey(ReadOnlySpan<byte> salt, ReadOnlySpan<byte> iv) =>
        PairingCode.WrapEphemeralKey(Code, EphemeralKey.PublicKey, salt, iv);

    /// <summary>
    /// Opens companion_finish: checks that the bundle names this phone's identity and returns the
    /// companion identity and the adv secret the pair-success HMAC must use.
    /// </summary>
    /// <exception cref="PairingException">The bundle does not authenticate or names another phone.</exception>
    public PrimaryPairingResult OpenKeyBundle(ReadOnlySpan<byte> wrappedCompanionEphemeral, ReadOnlySpan<byte> wrappedKeyBundle)
    {
        var companionEphemeral = PairingCode.UnwrapEphemeralKey(Code, wrappedCompanionEphemeral);
        byte[] ephemeralShared;
        try
        {
            ephemeralShared = EphemeralKey.Agree(companionEphemeral);
        }
        catch (CryptographicException exception)
        {
            throw new PairingException(PairingError.InternalError, "The companion's ephemeral key is unusable.", exception);
        }
        byte[]? identityShared = null;
        try
        {
            var (companionIdentity, primaryIdentity, advRandom) = OpenSealedBundle(ephemeralShared, wrappedKeyBundle);
            if (!primaryIdentity.Equals(PrimaryIdentity.PublicKey))
            {
                throw new PairingException(PairingError.InternalError, "The key bundle names another primary identity.");
            }
            identityShared = PrimaryIdentity.Agree(companionIdentity);
            var advSecret = PairingCodeKeyBundle.DeriveAdvSecret(ephemeralShared, identityShared, advRandom);
            return new PrimaryPairingResult(companionIdentity, advSecret);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(ephemeralShared);
            if (identityShared is not null)
            {
                CryptographicOperations.ZeroMemory(identityShared);
            }
        }
    }

    /// <summary>Opens a sealed bundle (the phone's side).</summary>
    /// <exception cref="PairingException">Wrong length or failed authentication.</exception>
    private static (Curve25519PublicKey CompanionIdentity, Curve25519PublicKey PrimaryIdentity, byte[] AdvRandom) OpenSealedBundle(
        ReadOnlySpan<byte> ephemeralSharedSecret,
        ReadOnlySpan<byte> wrapped)
    {
        if (wrapped.Length != PairingCodeKeyBundle.WrappedLength)
        {
            throw new PairingException(PairingError.InternalError, $"A wrapped key bundle is {PairingCodeKeyBundle.WrappedLength} bytes; got {wrapped.Length}.");
        }
        var key = PairingCodeKeyBundle.DeriveBundleKey(ephemeralSharedSecret, wrapped[..PairingCodeKeyBundle.SaltLength]);
        try
        {
            var plaintext = AesGcmCipher.Decrypt(key, wrapped.Slice(PairingCodeKeyBundle.SaltLength, AesGcmCipher.NonceLength), wrapped[(PairingCodeKeyBundle.SaltLength + AesGcmCipher.NonceLength)..]);
            return (
                Curve25519PublicKey.FromBytes(plaintext.AsSpan(0, 32)),
                Curve25519PublicKey.FromBytes(plaintext.AsSpan(32, 32)),
                plaintext.AsSpan(64, 32).ToArray());
        }
        catch (AuthenticationTagMismatchException exception)
        {
            throw new PairingException(PairingError.InternalError, "The key bundle failed authentication (wrong code or tampered).", exception);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    public override string ToString() => "PrimaryPairingCode";
}
