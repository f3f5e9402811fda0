using CodeChat.WhatsApp.Crypto;

namespace CodeChat.WhatsApp.Signal;

/// <summary>
/// A peer device's published keys, as the <c>encrypt</c> IQ returns them (whatsapp-protocol.md §6.10
/// step 5): registration id, identity key, signed prekey with its signature, and optionally one
/// one-time prekey.
/// </summary>
public sealed record PreKeyBundle(
    uint RegistrationId,
    Curve25519PublicKey IdentityKey,
    uint SignedPreKeyId,
    Curve25519PublicKey SignedPreKey,
    byte[] SignedPreKeySignature,
    uint? PreKeyId = null,
    Curve25519PublicKey? PreKey = null)
{
    /// <summary>
    /// True when the identity key signed the 33-byte form of the signed prekey (whatsapp-protocol.md
    /// §6.1). libsignal-node skips this check on session setup (pitfall P16); go libsignal and we do not.
    /// </summary>
    public bool HasValidSignature() =>
        SignedPreKeySignature is { Length: XEdDsa.SignatureLength }
        && IdentityKey.Verify(SignedPreKey.Signal33.Span, SignedPreKeySignature);
}
