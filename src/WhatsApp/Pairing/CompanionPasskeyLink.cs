using System.Globalization;
using System.Security.Cryptography;
using CodeChat.WhatsApp.Crypto;
using CodeChat.WhatsApp.Proto;
using Google.Protobuf;

namespace CodeChat.WhatsApp.Pairing;

/// <summary>
/// Companion side of one passkey linking after the assertion exists (whatsapp-protocol.md §4.5 steps
/// 3–5; whatsmeow pair-passkey.go <c>SendPasskeyResponse</c>, <c>handlePasskeyContinuationNotification</c>,
/// <c>SendPasskeyConfirmation</c>): a fresh X25519 ephemeral and a 32-byte nonce, committed to in the
/// prologue (commitment = SHA-256(ident ‖ nonce)); the phone's ephemeral identity then gives the key that
/// seals the pairing request and the confirmation code both screens show.
/// </summary>
public sealed class CompanionPasskeyLink
{
    public const int NonceLength = 32;
    public const string KeyInfo = "Pairing Information Encryption Key";

    private readonly Curve25519KeyPair _ephemeral;
    private readonly byte[] _nonce;

    public CompanionPasskeyLink(Curve25519KeyPair ephemeral, ReadOnlySpan<byte> nonce, string pairingRef, DeviceProps.Types.PlatformType deviceType)
    {
        ArgumentNullException.ThrowIfNull(ephemeral);
        ArgumentException.ThrowIfNullOrEmpty(pairingRef);
        if (nonce.Length != NonceLength)
        {
            throw new ArgumentException($"The companion nonce is {NonceLength} bytes; got {nonce.Length}.", nameof(nonce));
        }
        _ephemeral = ephemeral;
        _nonce = nonce.ToArray();
        PairingRef = pairingRef;
        DeviceType = deviceType;
        EphemeralIdentity = new CompanionEphemeralIdentity
        {
            PublicKey = ByteString.CopyFrom(ephemeral.PublicKey.Raw32.Span),
            DeviceType = deviceType,
            Ref = pairingRef,
        }.ToByteArray();
        Commitment = SHA256.HashData([.. EphemeralIdentity, .. _nonce]);
        ProloguePayload = new Proto.ProloguePayload
        {
            CompanionEphemeralIdentity = ByteString.CopyFrom(EphemeralIdentity),
            Commitment = new CompanionCommitment { Hash = ByteString.CopyFrom(Commitment) },
        }.ToByteArray();
    }

    /// <summary>The <c>&lt;ref&gt;</c> the server returned for this attempt.</summary>
    public string PairingRef { get; }

    /// <summary>DeviceProps.platformType of this companion, as in its ClientPayload.</summary>
    public DeviceProps.Types.PlatformType DeviceType { get; }

    /// <summary>Serialized <c>CompanionEphemeralIdentity{publicKey, deviceType, ref}</c>.</summary>
    public byte[] EphemeralIdentity { get; }

    /// <summary>SHA-256(<see cref="EphemeralIdentity"/> ‖ nonce): binds the nonce revealed later in companion_nonce.</summary>
    public byte[] Commitment { get; }

    /// <summary>Serialized <c>ProloguePayload</c>, sent as <c>&lt;prologue_payload&gt;</c>.</summary>
    public byte[] ProloguePayload { get; }

    /// <summary>The nonce revealed in <c>&lt;companion_nonce&gt;</c> after the phone's continuation.</summary>
    public ReadOnlyMemory<byte> Nonce => _nonce;

    public static CompanionPasskeyLink Create(string pairingRef, DeviceProps.Types.PlatformType deviceType) =>
        new(Curve25519KeyPair.Generate(), RandomNumberGenerator.GetBytes(NonceLength), pairingRef, deviceType);

    /// <summary>
    /// The salt of the encryption key: <c>Companion Pairing {deviceType as integer} with ref {ref}</c>
    /// (whatsmeow formats the enum with <c>%d</c>).
    /// </summary>
    public static string KeySalt(DeviceProps.Types.PlatformType deviceType, string pairingRef) =>
        string.Create(CultureInfo.InvariantCulture, $"Companion Pairing {(int)deviceType} with ref {pairingRef}");

    /// <summary>
    /// Processes <c>&lt;primary_ephemeral_identity&gt;</c> from crsc_continuation: the AES-GCM key for the
    /// pairing request and the 8-character confirmation code.
    /// </summary>
    public PasskeyContinuation Continue(ReadOnlySpan<byte> primaryEphemeralIdentity)
    {
        PrimaryEphemeralIdentity primary;
        try
        {
            primary = PrimaryEphemeralIdentity.Parser.ParseFrom(primaryEphemeralIdentity);
        }
        catch (InvalidProtocolBufferException exception)
        {
            throw new PairingException(PairingError.InternalError, "The primary ephemeral identity is not a PrimaryEphemeralIdentity.", exception);
        }
        if (primary.PublicKey.Length != Curve25519.KeyLength || primary.Nonce.Length != NonceLength)
        {
            throw new PairingException(PairingError.InternalError,
                $"The primary ephemeral identity has a {primary.PublicKey.Length}-byte key and a {primary.Nonce.Length}-byte nonce; both must be 32.");
        }
        var shared = _ephemeral.Agree(Curve25519PublicKey.FromBytes(primary.PublicKey.Span));
        try
        {
            var key = KeyDerivation.HkdfSha256(shared, System.Text.Encoding.UTF8.GetBytes(KeySalt(DeviceType, PairingRef)), KeyInfo, 32);
            var code = ConfirmationCode(_nonce, primary.PublicKey.Span, primary.Nonce.Span);
            return new PasskeyContinuation(key, code);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(shared);
        }
    }

    /// <summary>
    /// The confirmation code: d = SHA-256(companion nonce ‖ primary ephemeral public key); 5 bytes
    /// primaryNonce[i] XOR d[i], in the pairing-code alphabet (8 characters, no dash).
    /// </summary>
    public static string ConfirmationCode(ReadOnlySpan<byte> companionNonce, ReadOnlySpan<byte> primaryPublicKey, ReadOnlySpan<byte> primaryNonce)
    {
        var digest = SHA256.HashData([.. companionNonce, .. primaryPublicKey]);
        Span<byte> mixed = stackalloc byte[PairingCode.RandomLength];
        for (var i = 0; i < mixed.Length; i++)
        {
            mixed[i] = (byte)(primaryNonce[i] ^ digest[i]);
        }
        return PairingCode.Encode(mixed);
    }

    /// <summary>
    /// <c>EncryptedPairingRequest{encryptedPayload = AES-256-GCM(key, iv, PairingRequest{noise, identity, advSecret}), IV = iv}</c>,
    /// no associated data, for <c>&lt;encrypted_pairing_request&gt;</c>.
    /// </summary>
    public static byte[] SealPairingRequest(ReadOnlySpan<byte> key, ReadOnlySpan<byte> noisePublicKey, ReadOnlySpan<byte> identityPublicKey, ReadOnlySpan<byte> advSecret, ReadOnlySpan<byte> iv)
    {
        var request = new PairingRequest
        {
            CompanionPublicKey = ByteString.CopyFrom(noisePublicKey),
            CompanionIdentityKey = ByteString.CopyFrom(identityPublicKey),
            AdvSecret = ByteString.CopyFrom(advSecret),
        }.ToByteArray();
        try
        {
            return new EncryptedPairingRequest
            {
                EncryptedPayload = ByteString.CopyFrom(AesGcmCipher.Encrypt(key, iv, request)),
                IV = ByteString.CopyFrom(iv),
            }.ToByteArray();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(request);
        }
    }

    public override string ToString() => $"CompanionPasskeyLink(ref {PairingRef})";
}

/// <summary>What the phone's continuation yields: the request key (secret) and the confirmation code.</summary>
public sealed record PasskeyContinuation(byte[] EncryptionKey, string Code)
{
    /// <summary>Keeps the key out of logs and exception texts.</summary>
    public override string ToString() => "PasskeyContinuation";
}
