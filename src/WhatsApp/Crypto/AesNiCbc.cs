using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Security.Cryptography;
using X86Aes = System.Runtime.Intrinsics.X86.Aes;

namespace CodeChat.WhatsApp.Crypto;

/// <summary>
/// AES-256-CBC with PKCS#7 on the processor's AES instructions (AES-NI, FIPS 197 key schedule).
/// A Signal message is one short CBC operation under a fresh key; through OpenSSL each costs
/// ≈2 µs of CPU on the development machine (cipher context set-up and teardown, error-queue
/// clearing) for a handful of blocks that take well under 0.1 µs here. AES-NI runs in constant
/// time. Where the instructions are missing <see cref="AesCbcCipher"/> uses OpenSSL instead.
/// Checked against NIST SP 800-38A and <see cref="System.Security.Cryptography.Aes"/> in the tests.
/// </summary>
internal static class AesNiCbc
{
    private const int Rounds = 14;
    private const int BlockLength = 16;

    public static bool IsSupported => X86Aes.IsSupported && Sse2.IsSupported;

    [InlineArray(Rounds + 1)]
    private struct RoundKeys
    {
        private Vector128<byte> _element0;
    }

    public static byte[] Encrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> plaintext)
    {
        var roundKeys = ExpandKey(key);
        var padding = BlockLength - (plaintext.Length % BlockLength);
        var output = new byte[plaintext.Length + padding];
        var chain = Vector128.Create(iv);
        var whole = plaintext.Length - (plaintext.Length % BlockLength);
        for (var offset = 0; offset < whole; offset += BlockLength)
        {
            chain = EncryptBlock(Vector128.Create(plaintext.Slice(offset, BlockLength)) ^ chain, ref roundKeys);
            chain.CopyTo(output.AsSpan(offset));
        }
        Span<byte> last = stackalloc byte[BlockLength];
        last.Fill((byte)padding);
        plaintext[whole..].CopyTo(last);
        chain = EncryptBlock(Vector128.Create((ReadOnlySpan<byte>)last) ^ chain, ref roundKeys);
        chain.CopyTo(output.AsSpan(whole));
        last.Clear();
        Clear(ref roundKeys);
        return output;
    }

    /// <exception cref="CryptographicException">Not whole blocks, or bad padding.</exception>
    public static byte[] Decrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> ciphertext)
    {
        if (ciphertext.Length == 0 || ciphertext.Length % BlockLength != 0)
        {
            throw new CryptographicException("The AES-CBC ciphertext is not a whole number of blocks.");
        }
        var roundKeys = ExpandDecryptionKey(key);
        var decrypted = new byte[ciphertext.Length];
        var chain = Vector128.Create(iv);
        for (var offset = 0; offset < ciphertext.Length; offset += BlockLength)
        {
            var block = Vector128.Create(ciphertext.Slice(offset, BlockLength));
            (DecryptBlock(block, ref roundKeys) ^ chain).CopyTo(decrypted.AsSpan(offset));
            chain = block;
        }
        Clear(ref roundKeys);

        int padding = decrypted[^1];
        var badPadding = padding is 0 or > BlockLength;
        for (var i = 1; !badPadding && i <= padding; i++)
        {
            badPadding = decrypted[^i] != padding;
        }
        if (badPadding)
        {
            CryptographicOperations.ZeroMemory(decrypted);
            throw new CryptographicException("Padding is invalid and cannot be removed.");
        }
        var plaintext = decrypted.AsSpan(0, decrypted.Length - padding).ToArray();
        CryptographicOperations.ZeroMemory(decrypted);
        return plaintext;
    }

    private static Vector128<byte> EncryptBlock(Vector128<byte> block, ref RoundKeys keys)
    {
        block ^= keys[0];
        for (var round = 1; round < Rounds; round++)
        {
            block = X86Aes.Encrypt(block, keys[round]);
        }
        return X86Aes.EncryptLast(block, keys[Rounds]);
    }

    private static Vector128<byte> DecryptBlock(Vector128<byte> block, ref RoundKeys keys)
    {
        block ^= keys[0];
        for (var round = 1; round < Rounds; round++)
        {
            block = X86Aes.Decrypt(block, keys[round]);
        }
        return X86Aes.DecryptLast(block, keys[Rounds]);
    }

    // FIPS 197 §5.2 for Nk = 8 with AESKEYGENASSIST: even round keys take RotWord+SubWord+Rcon of
    // the previous odd key's last word, odd round keys SubWord only. The immediates are constants
    // because the instruction encodes them.
    private static RoundKeys ExpandKey(ReadOnlySpan<byte> key)
    {
        if (key.Length != AesCbcCipher.KeyLength)
        {
            throw new ArgumentException($"AES-256 needs a 32-byte key; got {key.Length} bytes.", nameof(key));
        }
        var keys = default(RoundKeys);
        var even = Vector128.Create(key[..16]);
        var odd = Vector128.Create(key[16..]);
        keys[0] = even;
        keys[1] = odd;
        even = NextEven(even, X86Aes.KeygenAssist(odd, 0x01)); keys[2] = even; odd = NextOdd(odd, X86Aes.KeygenAssist(even, 0)); keys[3] = odd;
        even = NextEven(even, X86Aes.KeygenAssist(odd, 0x02)); keys[4] = even; odd = NextOdd(odd, X86Aes.KeygenAssist(even, 0)); keys[5] = odd;
        even = NextEven(even, X86Aes.KeygenAssist(odd, 0x04)); keys[6] = even; odd = NextOdd(odd, X86Aes.KeygenAssist(even, 0)); keys[7] = odd;
        even = NextEven(even, X86Aes.KeygenAssist(odd, 0x08)); keys[8] = even; odd = NextOdd(odd, X86Aes.KeygenAssist(even, 0)); keys[9] = odd;
        even = NextEven(even, X86Aes.KeygenAssist(odd, 0x10)); keys[10] = even; odd = NextOdd(odd, X86Aes.KeygenAssist(even, 0)); keys[11] = odd;
        even = NextEven(even, X86Aes.KeygenAssist(odd, 0x20)); keys[12] = even; odd = NextOdd(odd, X86Aes.KeygenAssist(even, 0)); keys[13] = odd;
        keys[14] = NextEven(even, X86Aes.KeygenAssist(odd, 0x40));
        return keys;
    }

    // The equivalent inverse cipher (FIPS 197 §5.3.5): round keys reversed, the inner ones through InvMixColumns.
    private static RoundKeys ExpandDecryptionKey(ReadOnlySpan<byte> key)
    {
        var encryption = ExpandKey(key);
        var keys = default(RoundKeys);
        keys[0] = encryption[Rounds];
        for (var round = 1; round < Rounds; round++)
        {
            keys[round] = X86Aes.InverseMixColumns(encryption[Rounds - round]);
        }
        keys[Rounds] = encryption[0];
        Clear(ref encryption);
        return keys;
    }

    private static Vector128<byte> NextEven(Vector128<byte> previous, Vector128<byte> assist) =>
        PrefixXor(previous) ^ Sse2.Shuffle(assist.AsUInt32(), 0xFF).AsByte();

    private static Vector128<byte> NextOdd(Vector128<byte> previous, Vector128<byte> assist) =>
        PrefixXor(previous) ^ Sse2.Shuffle(assist.AsUInt32(), 0xAA).AsByte();

    // w0, w0^w1, w0^w1^w2, w0^w1^w2^w3: the running XOR of the previous key's words.
    private static Vector128<byte> PrefixXor(Vector128<byte> value)
    {
        value ^= Sse2.ShiftLeftLogical128BitLane(value, 4);
        value ^= Sse2.ShiftLeftLogical128BitLane(value, 4);
        return value ^ Sse2.ShiftLeftLogical128BitLane(value, 4);
    }

    private static void Clear(ref RoundKeys keys) =>
        CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes((Span<Vector128<byte>>)keys));
}
