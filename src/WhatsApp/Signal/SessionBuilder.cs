using System.Security.Cryptography;
using CodeChat.WhatsApp.Crypto;

namespace CodeChat.WhatsApp.Signal;

/// <summary>
/// X3DH session setup, both roles (whatsapp-protocol.md §6.3; libsignal-node
/// <c>session_builder.js</c> <c>initOutgoing</c> / <c>initIncoming</c> / <c>initSession</c>).
/// Pure: it builds a <see cref="SessionState"/>; the caller puts it into the peer's record.
/// </summary>
public static class SessionBuilder
{
    private const int DiscontinuityLength = 32;

    /// <summary>
    /// Initiator: a new session from the peer's prekey bundle, with fresh base and ratchet keys.
    /// Encrypts on it produce pkmsg until the peer answers.
    /// </summary>
    /// <exception cref="InvalidPreKeyBundleException">The signed prekey signature does not verify.</exception>
    public static SessionState InitializeAsInitiator(LocalSignalIdentity ours, PreKeyBundle bundle) =>
        InitializeAsInitiator(ours, bundle, Curve25519KeyPair.Generate(), Curve25519KeyPair.Generate());

    /// <summary>As above with given base and sending ratchet keys (known-answer tests).</summary>
    internal static SessionState InitializeAsInitiator(
        LocalSignalIdentity ours,
        PreKeyBundle bundle,
        Curve25519KeyPair baseKey,
        Curve25519KeyPair sendingRatchetKey)
    {
        ArgumentNullException.ThrowIfNull(ours);
        ArgumentNullException.ThrowIfNull(bundle);
        if (!bundle.HasValidSignature())
        {
            throw new InvalidPreKeyBundleException("The signed prekey signature of the bundle does not verify with its identity key.");
        }

        var agreements = new List<byte[]>(4)
        {
            ours.IdentityKey.Agree(bundle.SignedPreKey),
            baseKey.Agree(bundle.IdentityKey),
            baseKey.Agree(bundle.SignedPreKey),
        };
        if (bundle.PreKey is { } oneTimePreKey)
        {
            agreements.Add(baseKey.Agree(oneTimePreKey));
        }
        var rootKey = DeriveRootKey(agreements);

        var state = SessionState.CreateNew(
            ours.IdentityKey.PublicKey.Signal33.Span,
            bundle.IdentityKey.Signal33.Span,
            ours.RegistrationId,
            bundle.RegistrationId,
            baseKey.PublicKey.Signal33.Span,
            baseKeyIsOurs: true,
            rootKey);
        // The first sending chain ratchets against the signed prekey, the peer's first ratchet key.
        var (nextRoot, sendingChainKey) = DoubleRatchet.RatchetStep(rootKey, sendingRatchetKey.PrivateKey.Span, bundle.SignedPreKey);
        state.SetRootKey(nextRoot);
        state.SetSenderChain(sendingRatchetKey.PublicKey.Signal33.Span, sendingRatchetKey.PrivateKey.Span, sendingChainKey);
        state.SetPendingPreKey(bundle.PreKey is null ? null : bundle.PreKeyId, bundle.SignedPreKeyId, baseKey.PublicKey.Signal33.Span);
        return state;
    }

    /// <summary>
    /// Responder: the session a peer's pkmsg creates, from our signed prekey and, when the message
    /// names one, our one-time prekey. Its current ratchet key is our signed prekey, so the first
    /// message the peer sent steps the ratchet (libsignal-java gives it a sending chain on the signed
    /// prekey; it is replaced by that first step before anything is sent on it).
    /// </summary>
    public static SessionState InitializeAsResponder(
        LocalSignalIdentity ours,
        PreKeySignalMessage message,
        Curve25519KeyPair signedPreKey,
        Curve25519KeyPair? oneTimePreKey)
    {
        ArgumentNullException.ThrowIfNull(ours);
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(signedPreKey);

        var agreements = new List<byte[]>(4)
        {
            signedPreKey.Agree(message.IdentityKey),
            ours.IdentityKey.Agree(message.BaseKey),
            signedPreKey.Agree(message.BaseKey),
        };
        if (oneTimePreKey is not null)
        {
            agreements.Add(oneTimePreKey.Agree(message.BaseKey));
        }
        var derived = DeriveSecretsFromAgreements(agreements);
        var rootKey = derived[..32];
        var chainKey = derived[32..64];

        var state = SessionState.CreateNew(
            ours.IdentityKey.PublicKey.Signal33.Span,
            message.IdentityKey.Signal33.Span,
            ours.RegistrationId,
            message.RegistrationId,
            message.BaseKey.Signal33.Span,
            baseKeyIsOurs: false,
            rootKey);
        state.SetSenderChain(signedPreKey.PublicKey.Signal33.Span, signedPreKey.PrivateKey.Span, chainKey);
        return state;
    }

    private static byte[] DeriveRootKey(List<byte[]> agreements) => DeriveSecretsFromAgreements(agreements)[..32];

    // secret = FF×32 || DH1 || DH2 || DH3 [|| DH4]; DeriveSecrets(secret, 32×00, "WhisperText", 2).
    private static byte[] DeriveSecretsFromAgreements(List<byte[]> agreements)
    {
        var secret = new byte[DiscontinuityLength + agreements.Count * Curve25519.KeyLength];
        secret.AsSpan(0, DiscontinuityLength).Fill(0xFF);
        for (var i = 0; i < agreements.Count; i++)
        {
            agreements[i].CopyTo(secret, DiscontinuityLength + i * Curve25519.KeyLength);
            CryptographicOperations.ZeroMemory(agreements[i]);
        }
        Span<byte> zeroSalt = stackalloc byte[SignalKdf.KeyLength];
        zeroSalt.Clear();
        try
        {
            return SignalKdf.DeriveSecrets(secret, zeroSalt, SignalKdf.WhisperText, 2);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }
}
