using System.Security.Cryptography;
using System.Text;
using CodeChat.WhatsApp.Crypto;
using CodeChat.WhatsApp.Proto;
using Google.Protobuf;

namespace CodeChat.WhatsApp.ServerSide;

/// <summary>
/// Server and phone side of passkey linking after the scan (whatsapp-protocol.md §4.5), for the emulator
/// and the protocol tests: checks the handoff proof against the ADV secret the phone already knows, reads
/// the companion's committed ephemeral identity, answers with the phone's own (crsc_continuation), checks
/// the revealed nonce against the commitment, derives the same key and confirmation code, and opens the
/// pairing request. Written from the protocol document, independently of src/WhatsApp/Pairing (only the
/// X25519 primitive is shared).
/// </summary>
public sealed class PrimaryPasskeyLinking
{
    private const string CodeAlphabet = "123456789ABCDEFGHJKLMNPQRSTVWXYZ";
    private readonly byte[] _knownAdvSecret;
    private readonly string _issuedRef;
    private byte[]? _companionIdentity;
    private byte[]? _commitment;
    private byte[]? _companionEphemeral;
    private int _deviceType;
    private Curve25519KeyPair? _ephemeral;
    private byte[]? _nonce;
    private byte[]? _key;

    /// <param name="knownAdvSecret">The ADV secret the phone learnt from the QR or derived from the pairing code.</param>
    /// <param name="issuedRef">The <c>&lt;ref&gt;</c> the server handed this companion.</param>
    public PrimaryPasskeyLinking(ReadOnlySpan<byte> knownAdvSecret, string issuedRef)
    {
        _knownAdvSecret = knownAdvSecret.ToArray();
        _issuedRef = issuedRef;
    }

    /// <summary>Set by <see cref="AcceptNonce"/>: the code the phone shows (8 characters, no dash).</summary>
    public string? ConfirmationCode { get; private set; }

    /// <summary>True when the prologue carried a proof that verified.</summary>
    public bool HandoffProven { get; private set; }

    /// <summary>
    /// Reads the prologue payload; verifies the handoff proof when one came (HMAC-SHA256 under
    /// HKDF(ADV secret, info "shortcake-passkey-handoff-v1")). Null when acceptable, else why not.
    /// </summary>
    public string? AcceptPrologue(ReadOnlySpan<byte> prologuePayload, ReadOnlySpan<byte> handoffProof, bool proofPresent)
    {
        try
        {
            var payload = ProloguePayload.Parser.ParseFrom(prologuePayload);
            var identity = CompanionEphemeralIdentity.Parser.ParseFrom(payload.CompanionEphemeralIdentity);
            if (identity.Ref != _issuedRef)
            {
                return "the ephemeral identity names another ref";
            }
            if (identity.PublicKey.Length != 32 || payload.Commitment?.Hash.Length != 32)
            {
                return "malformed ephemeral identity or commitment";
            }
            if (proofPresent)
            {
                var handoffKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, _knownAdvSecret, 32, salt: [], info: Encoding.ASCII.GetBytes("shortcake-passkey-handoff-v1"));
                var expected = HMACSHA256.HashData(handoffKey, prologuePayload);
                if (!CryptographicOperations.FixedTimeEquals(expected, handoffProof))
                {
                    return "the handoff proof does not verify";
                }
                HandoffProven = true;
            }
            _companionIdentity = payload.CompanionEphemeralIdentity.ToByteArray();
            _commitment = payload.Commitment.Hash.ToByteArray();
            _companionEphemeral = identity.PublicKey.ToByteArray();
            _deviceType = (int)identity.DeviceType;
            return null;
        }
        catch (InvalidProtocolBufferException exception)
        {
            return "malformed prologue: " + exception.Message;
        }
    }

    /// <summary>The phone's fresh ephemeral identity for <c>&lt;primary_ephemeral_identity&gt;</c>.</summary>
    public byte[] CreateContinuation()
    {
        _ephemeral = Curve25519KeyPair.Generate();
        _nonce = RandomNumberGenerator.GetBytes(32);
        return new PrimaryEphemeralIdentity
        {
            PublicKey = ByteString.CopyFrom(_ephemeral.PublicKey.Raw32.Span),
            Nonce = ByteString.CopyFrom(_nonce),
        }.ToByteArray();
    }

    /// <summary>
    /// The revealed companion nonce: must hash with the identity to the commitment. Derives the request key
    /// and the code. Null when acceptable, else why not.
    /// </summary>
    public string? AcceptNonce(ReadOnlySpan<byte> companionNonce)
    {
        if (_companionIdentity is null || _commitment is null || _ephemeral is null || _nonce is null || _companionEphemeral is null)
        {
            return "no prologue or continuation yet";
        }
        if (!CryptographicOperations.FixedTimeEquals(SHA256.HashData([.. _companionIdentity, .. companionNonce]), _commitment))
        {
            return "the nonce does not match the commitment";
        }
        var shared = _ephemeral.Agree(Curve25519PublicKey.FromBytes(_companionEphemeral));
        var salt = Encoding.UTF8.GetBytes("Companion Pairing " + _deviceType.ToString(System.Globalization.CultureInfo.InvariantCulture) + " with ref " + _issuedRef);
        _key = HKDF.DeriveKey(HashAlgorithmName.SHA256, shared, 32, salt, Encoding.ASCII.GetBytes("Pairing Information Encryption Key"));
        var digest = SHA256.HashData([.. companionNonce, .. _ephemeral.PublicKey.Raw32.Span]);
        ulong bits = 0;
        for (var i = 0; i < 5; i++)
        {
            bits = (bits << 8) | (byte)(_nonce[i] ^ digest[i]);
        }
        var code = new char[8];
        for (var i = 0; i < 8; i++)
        {
            code[i] = CodeAlphabet[(int)((bits >> (35 - 5 * i)) & 0x1F)];
        }
        ConfirmationCode = new string(code);
        return null;
    }

    /// <summary>Opens <c>&lt;encrypted_pairing_request&gt;</c>; throws <see cref="CryptographicException"/> when it does not open.</summary>
    public PairingRequest OpenPairingRequest(ReadOnlySpan<byte> encryptedPairingRequest)
    {
        var key = _key ?? throw new CryptographicException("no key derived yet");
        EncryptedPairingRequest wrapped;
        try
        {
            wrapped = EncryptedPairingRequest.Parser.ParseFrom(encryptedPairingRequest);
        }
        catch (InvalidProtocolBufferException exception)
        {
            throw new CryptographicException("malformed encrypted pairing request", exception);
        }
        var sealedPayload = wrapped.EncryptedPayload.Span;
        if (wrapped.IV.Length != 12 || sealedPayload.Length < 16)
        {
            throw new CryptographicException("malformed encrypted pairing request");
        }
        var plaintext = new byte[sealedPayload.Length - 16];
        using (var gcm = new AesGcm(key, 16))
        {
            gcm.Decrypt(wrapped.IV.Span, sealedPayload[..^16], sealedPayload[^16..], plaintext);
        }
        return PairingRequest.Parser.ParseFrom(plaintext);
    }
}
