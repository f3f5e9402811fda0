using System.Numerics;
using System.Security.Cryptography;
using Org.BouncyCastle.Math.EC.Rfc8032;

namespace CodeChat.WhatsApp.Crypto;

/// <summary>
/// "Curve25519 signatures" as WhatsApp and libsignal use them: an Ed25519 signature made with the
/// X25519 private scalar, with the Edwards sign bit of the public key carried in bit 255 of the
/// signature (whatsapp-protocol.md §13.2). Signing runs on libsodium's constant-time edwards25519
/// arithmetic; verification converts the Montgomery key to Edwards form and uses BouncyCastle's
/// RFC 8032 verifier.
/// </summary>
public static class XEdDsa
{
    public const int SignatureLength = 64;
    public const int NonceRandomLength = 64;

    private const int ScalarLength = 32;

    // XEdDSA's hash-function domain separator for the nonce: 0xFE followed by 31 × 0xFF.
    private static ReadOnlySpan<byte> NonceDomainSeparator =>
    [
        0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    ];

    private static readonly BigInteger FieldPrime = BigInteger.Pow(2, 255) - 19;

    /// <summary>Signs with a fresh 64-byte random nonce input (XEdDSA randomized variant).</summary>
    public static byte[] Sign(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> message)
    {
        Span<byte> random = stackalloc byte[NonceRandomLength];
        RandomNumberGenerator.Fill(random);
        try
        {
            return Sign(privateKey, message, random);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(random);
        }
    }

    /// <summary>
    /// Signs with r = SHA-512(0xFE‖0xFF×31 ‖ a ‖ M ‖ Z) mod L for the caller's 64 random bytes Z.
    /// </summary>
    public static byte[] Sign(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> random)
    {
        if (random.Length != NonceRandomLength)
        {
            throw new ArgumentException($"The XEdDSA nonce input is {NonceRandomLength} bytes; got {random.Length}.", nameof(random));
        }
        return SignCore(privateKey, message, random, randomized: true);
    }

    /// <summary>
    /// Deterministic curve25519-js variant, r = SHA-512(a ‖ M) mod L. Reproduces libsignal-node
    /// signatures byte-for-byte; WhatsApp accepts both variants.
    /// </summary>
    public static byte[] SignDeterministic(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> message) =>
        SignCore(privateKey, message, default, randomized: false);

    private static byte[] SignCore(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> random, bool randomized)
    {
        if (privateKey.Length != Curve25519.KeyLength)
        {
            throw new ArgumentException($"A Curve25519 private key is 32 bytes; got {privateKey.Length}.", nameof(privateKey));
        }

        Span<byte> a = stackalloc byte[ScalarLength];
        Span<byte> aReduced = stackalloc byte[ScalarLength];
        Span<byte> wide = stackalloc byte[SodiumNative.NonReducedScalarBytes];
        Span<byte> r = stackalloc byte[ScalarLength];
        Span<byte> h = stackalloc byte[ScalarLength];
        Span<byte> ha = stackalloc byte[ScalarLength];
        Span<byte> publicEdwards = stackalloc byte[ScalarLength];
        var signature = new byte[SignatureLength];
        try
        {
            privateKey.CopyTo(a);
            Curve25519.Clamp(a);
            SodiumNative.ScalarMultBaseNoClamp(publicEdwards, a);
            var signBit = (byte)(publicEdwards[31] & 0x80);

            using (var nonceHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA512))
            {
                if (randomized)
                {
                    nonceHash.AppendData(NonceDomainSeparator);
                }
                nonceHash.AppendData(a);
                nonceHash.AppendData(message);
                if (randomized)
                {
                    nonceHash.AppendData(random);
                }
                nonceHash.GetHashAndReset(wide);
            }
            SodiumNative.ScalarReduce(r, wide);

            var encodedR = signature.AsSpan(0, ScalarLength);
            SodiumNative.ScalarMultBaseNoClamp(encodedR, r);

            using (var challengeHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA512))
            {
                challengeHash.AppendData(encodedR);
                challengeHash.AppendData(publicEdwards);
                challengeHash.AppendData(message);
                challengeHash.GetHashAndReset(wide);
            }
            SodiumNative.ScalarReduce(h, wide);

            // The clamped scalar is below 2^255 but not necessarily below L: reduce it first.
            wide.Clear();
            a.CopyTo(wide);
            SodiumNative.ScalarReduce(aReduced, wide);

            SodiumNative.ScalarMul(ha, h, aReduced);
            SodiumNative.ScalarAdd(signature.AsSpan(ScalarLength, ScalarLength), r, ha);

            // S < L < 2^253, so bit 255 is free to carry the Edwards sign bit of A.
            signature[63] |= signBit;
            return signature;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(a);
            CryptographicOperations.ZeroMemory(aReduced);
            CryptographicOperations.ZeroMemory(wide);
            CryptographicOperations.ZeroMemory(r);
            CryptographicOperations.ZeroMemory(ha);
        }
    }

    /// <summary>
    /// Verifies <paramref name="signature"/> over <paramref name="message"/> for a Montgomery public
    /// key (32 bytes, or 33 with the 0x05 prefix). Malformed input yields false, never an exception.
    /// </summary>
    public static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (publicKey.Length == Curve25519PublicKey.SignalLength && publicKey[0] == Curve25519PublicKey.DjbType)
        {
            publicKey = publicKey[1..];
        }
        if (publicKey.Length != Curve25519.KeyLength || signature.Length != SignatureLength)
        {
            return false;
        }
        if (!TryMontgomeryToEdwards(publicKey, out var edwardsKey))
        {
            return false;
        }
        edwardsKey[31] |= (byte)(signature[63] & 0x80);

        var standardSignature = signature.ToArray();
        standardSignature[63] &= 0x7F;
        var messageBytes = message.ToArray();
        return Ed25519.Verify(standardSignature, 0, edwardsKey, 0, messageBytes, 0, messageBytes.Length);
    }

    /// <summary>Edwards y = (u − 1)/(u + 1) mod p, encoded little-endian with a clear sign bit.</summary>
    private static bool TryMontgomeryToEdwards(ReadOnlySpan<byte> montgomeryU, out byte[] edwards)
    {
        Span<byte> masked = stackalloc byte[Curve25519.KeyLength];
        montgomeryU.CopyTo(masked);
        masked[31] &= 0x7F;
        var u = new BigInteger(masked, isUnsigned: true, isBigEndian: false) % FieldPrime;
        var denominator = (u + 1) % FieldPrime;
        if (denominator.IsZero)
        {
            edwards = [];
            return false;
        }
        var y = (u - 1 + FieldPrime) * BigInteger.ModPow(denominator, FieldPrime - 2, FieldPrime) % FieldPrime;
        edwards = new byte[Curve25519.KeyLength];
        y.TryWriteBytes(edwards, out _, isUnsigned: true, isBigEndian: false);
        return true;
    }
}
