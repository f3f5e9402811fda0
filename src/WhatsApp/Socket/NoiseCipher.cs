using System.Buffers.Binary;
using System.Security.Cryptography;
using CodeChat.WhatsApp.Crypto;

namespace CodeChat.WhatsApp.Socket;

/// <summary>
/// AES-256-GCM with a 32-bit message counter as nonce (eight zero bytes, then the counter big-endian),
/// as Noise uses it for handshake payloads and each transport direction (whatsapp-protocol.md §2.1, §2.5).
/// Not thread-safe: each direction has its own instance and a single user.
/// </summary>
public sealed class NoiseCipher : IDisposable
{
    private readonly AesGcm _aes;
    private uint _counter;
    private bool _exhausted;

    public NoiseCipher(ReadOnlySpan<byte> key)
    {
        if (key.Length != AesGcmCipher.KeyLength)
        {
            throw new ArgumentException($"A Noise cipher key is 32 bytes; got {key.Length}.", nameof(key));
        }
        _aes = new AesGcm(key, AesGcmCipher.TagLength);
    }

    /// <summary>The nonce counter the next operation will use.</summary>
    public uint Counter => _counter;

    public byte[] Encrypt(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData = default)
    {
        Span<byte> nonce = stackalloc byte[AesGcmCipher.NonceLength];
        NextNonce(nonce);
        var output = new byte[plaintext.Length + AesGcmCipher.TagLength];
        _aes.Encrypt(nonce, plaintext, output.AsSpan(0, plaintext.Length), output.AsSpan(plaintext.Length), associatedData);
        return output;
    }

    /// <summary>
    /// Opens ciphertext‖tag. The counter advances even on failure, like whatsmeow, so a failed frame
    /// is never silently retried with the same nonce.
    /// </summary>
    public byte[] Decrypt(ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> associatedData = default)
    {
        Span<byte> nonce = stackalloc byte[AesGcmCipher.NonceLength];
        var counter = _counter;
        NextNonce(nonce);
        if (ciphertext.Length < AesGcmCipher.TagLength)
        {
            throw new NoiseDecryptionException($"Encrypted frame {counter} is shorter than its tag.");
        }
        var plaintextLength = ciphertext.Length - AesGcmCipher.TagLength;
        var plaintext = new byte[plaintextLength];
        try
        {
            _aes.Decrypt(nonce, ciphertext[..plaintextLength], ciphertext[plaintextLength..], plaintext, associatedData);
        }
        catch (CryptographicException exception)
        {
            throw new NoiseDecryptionException($"Frame {counter} failed authentication.", exception);
        }
        return plaintext;
    }

    public void Dispose() => _aes.Dispose();

    private void NextNonce(Span<byte> nonce)
    {
        // Reusing a GCM nonce under one key is catastrophic; refuse to wrap the 32-bit counter.
        if (_exhausted)
        {
            throw new NoiseException("The Noise nonce counter is exhausted; the connection must be re-established.");
        }
        nonce.Clear();
        BinaryPrimitives.WriteUInt32BigEndian(nonce[8..], _counter);
        if (_counter == uint.MaxValue)
        {
            _exhausted = true;
        }
        else
        {
            _counter++;
        }
    }
}
