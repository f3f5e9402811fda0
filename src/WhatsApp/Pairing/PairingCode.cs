using System.Security.Cryptography;
using System.Text;
using CodeChat.WhatsApp.Crypto;

namespace CodeChat.WhatsApp.Pairing;

/// <summary>
/// The 8-character linking code and the key wrapping both sides apply to their ephemeral keys
/// (whatsapp-protocol.md §4.4: Crockford-like base32 of 5 random bytes; PBKDF2-SHA256 with 2^17
/// iterations; AES-256-CTR; wrapped form salt(32) ‖ iv(16) ‖ ciphertext(32)).
/// </summary>
public static class PairingCode
{
    /// <summary>Base32 without 0, I, O and U so the code is easy to read and type.</summary>
    public const string Alphabet = "123456789ABCDEFGHJKLMNPQRSTVWXYZ";

    public const int Length = 8;
    public const int RandomLength = 5;
    public const int Pbkdf2Iterations = 2 << 16;
    public const int SaltLength = 32;
    public const int WrappedKeyLength = SaltLength + AesCtrCipher.IvLength + Curve25519.KeyLength;

    /// <summary>How long the phone accepts a code (whatsapp-rust <c>PAIR_CODE_VALIDITY_SECS</c>).</summary>
    public static readonly TimeSpan Validity = TimeSpan.FromSeconds(180);

    public static string Generate()
    {
        Span<byte> random = stackalloc byte[RandomLength];
        RandomNumberGenerator.Fill(random);
        return Encode(random);
    }

    /// <summary>Five bytes as eight 5-bit groups, most significant first.</summary>
    public static string Encode(ReadOnlySpan<byte> random)
    {
        if (random.Length != RandomLength)
        {
            throw new ArgumentException($"A pairing code encodes {RandomLength} bytes; got {random.Length}.", nameof(random));
        }
        ulong value = 0;
        foreach (var b in random)
        {
            value = (value << 8) | b;
        }
        Span<char> code = stackalloc char[Length];
        for (var i = Length - 1; i >= 0; i--)
        {
            code[i] = Alphabet[(int)(value & 0x1F)];
            value >>= 5;
        }
        return new string(code);
    }

    /// <summary>The form shown to the user: <c>XXXX-XXXX</c>.</summary>
    public static string FormatForDisplay(string code)
    {
        Validate(code);
        return string.Concat(code.AsSpan(0, 4), "-", code.AsSpan(4));
    }

    public static bool IsValid(string? code) =>
        code is { Length: Length } && code.All(c => Alphabet.Contains(c, StringComparison.Ordinal));

    /// <summary>PBKDF2-HMAC-SHA256(code, salt, 131 072, 32): the AES-CTR key that wraps an ephemeral key.</summary>
    public static byte[] DeriveLinkCodeKey(string code, ReadOnlySpan<byte> salt)
    {
        Validate(code);
        return KeyDerivation.Pbkdf2Sha256(Encoding.ASCII.GetBytes(code), salt, Pbkdf2Iterations, AesCtrCipher.KeyLength);
    }

    /// <summary>Wraps an ephemeral public key under the code with fresh salt and IV.</summary>
    public static byte[] WrapEphemeralKey(string code, Curve25519PublicKey ephemeralKey) =>
        WrapEphemeralKey(code, ephemeralKey, RandomNumberGenerator.GetBytes(SaltLength), RandomNumberGenerator.GetBytes(AesCtrCipher.IvLength));

    /// <summary>salt ‖ iv ‖ AES-CTR(PBKDF2(code, salt), iv, key).</summary>
    public static byte[] WrapEphemeralKey(string code, Curve25519PublicKey ephemeralKey, ReadOnlySpan<byte> salt, ReadOnlySpan<byte> iv)
    {
        ArgumentNullException.ThrowIfNull(ephemeralKey);
        if (salt.Length != SaltLength)
        {
            throw new ArgumentException($"The salt is {SaltLength} bytes; got {salt.Length}.", nameof(salt));
        }
        var key = DeriveLinkCodeKey(code, salt);
        try
        {
            return [.. salt, .. iv, .. AesCtrCipher.Transform(key, iv, ephemeralKey.Raw32.Span)];
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>Reverses <see cref="WrapEphemeralKey(string, Curve25519PublicKey)"/>. A wrong code yields a different key, not an error.</summary>
    public static Curve25519PublicKey UnwrapEphemeralKey(string code, ReadOnlySpan<byte> wrapped)
    {
        if (wrapped.Length != WrappedKeyLength)
        {
            throw new PairingException(PairingError.InternalError, $"A wrapped ephemeral key is {WrappedKeyLength} bytes; got {wrapped.Length}.");
        }
        var salt = wrapped[..SaltLength];
        var iv = wrapped.Slice(SaltLength, AesCtrCipher.IvLength);
        var key = DeriveLinkCodeKey(code, salt);
        try
        {
            return Curve25519PublicKey.FromBytes(AesCtrCipher.Transform(key, iv, wrapped[(SaltLength + AesCtrCipher.IvLength)..]));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    private static void Validate(string code)
    {
        if (!IsValid(code))
        {
            throw new ArgumentException($"A pairing code is {Length} characters of '{Alphabet}'.", nameof(code));
        }
    }
}
