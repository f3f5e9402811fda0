using System.Security.Cryptography;
using CodeChat.WhatsApp.Crypto;

namespace CodeChat.WhatsApp.Pairing;

/// <summary>
/// The handoff key of passkey linking (whatsapp-protocol.md §4.5 step 2; whatsmeow pair-passkey.go
/// <c>handlePasskeyNotification</c>): HKDF-SHA256 of the ADV secret the phone already knows (from the QR
/// or the pairing code), no salt, info <c>shortcake-passkey-handoff-v1</c>, 32 bytes. While it is valid
/// (5 minutes, whatsmeow <c>passkeyHandoffKey.Valid</c>) the companion proves with it that the passkey
/// prologue comes from the device the phone just scanned, and the phone can skip its confirmation screen.
/// </summary>
public sealed class PasskeyHandoffKey
{
    public const string Info = "shortcake-passkey-handoff-v1";

    public static readonly TimeSpan Validity = TimeSpan.FromMinutes(5);

    private readonly byte[] _key;

    private PasskeyHandoffKey(byte[] key, DateTimeOffset derivedAt)
    {
        _key = key;
        DerivedAt = derivedAt;
    }

    public DateTimeOffset DerivedAt { get; }

    public static PasskeyHandoffKey Derive(ReadOnlySpan<byte> advSecret, DateTimeOffset now)
    {
        if (advSecret.Length != 32)
        {
            throw new ArgumentException($"The ADV secret is 32 bytes; got {advSecret.Length}.", nameof(advSecret));
        }
        return new PasskeyHandoffKey(KeyDerivation.HkdfSha256(advSecret, default, Info, 32), now);
    }

    /// <summary>The derived key itself, for known-answer tests.</summary>
    internal ReadOnlySpan<byte> Key => _key;

    public bool IsValidAt(DateTimeOffset now) => now - DerivedAt < Validity;

    /// <summary><c>pairing_handoff_proof</c> = HMAC-SHA256(handoff key, prologue payload bytes).</summary>
    public byte[] Prove(ReadOnlySpan<byte> prologuePayload) => HmacSha256.Compute(_key, prologuePayload);

    /// <summary>Wipes the key once it has been used or the flow ended.</summary>
    public void Clear() => CryptographicOperations.ZeroMemory(_key);

    public override string ToString() => $"PasskeyHandoffKey(derived {DerivedAt:O})";
}
