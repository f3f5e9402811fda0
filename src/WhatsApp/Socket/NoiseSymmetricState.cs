using System.Security.Cryptography;
using CodeChat.WhatsApp.Crypto;

namespace CodeChat.WhatsApp.Socket;

/// <summary>
/// Noise SymmetricState for Noise_XX_25519_AESGCM_SHA256 as WhatsApp runs it (whatsapp-protocol.md §2.1–§2.2):
/// the 32-byte protocol name is h, ck and k at the start; MixKey resets the counter; Split gives
/// the initiator's write key first.
/// </summary>
/// <remarks>
/// Public, not internal, because WhatsApp's side of the handshake (the responder) lives with the
/// test emulator in tests/CodeChat.WhatsApp.ServerSide and runs this same primitive; a shared
/// primitive is safer than a second copy, and a test assembly gets no view into the library's internals.
/// </remarks>
public sealed class NoiseSymmetricState : IDisposable
{
    private byte[] _hash;
    private byte[] _chainingKey;
    private byte[] _cipherKey;
    private NoiseCipher _cipher;

    public NoiseSymmetricState(ReadOnlySpan<byte> prologue)
    {
        _hash = NoiseConstants.ProtocolName.ToArray();
        _chainingKey = NoiseConstants.ProtocolName.ToArray();
        _cipherKey = NoiseConstants.ProtocolName.ToArray();
        _cipher = new NoiseCipher(_cipherKey);
        MixHash(prologue);
    }

    public ReadOnlySpan<byte> Hash => _hash;

    // Key material: visible to the known-answer tests only.
    internal ReadOnlySpan<byte> ChainingKey => _chainingKey;

    internal ReadOnlySpan<byte> CipherKey => _cipherKey;

    public void MixHash(ReadOnlySpan<byte> data)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(_hash);
        sha.AppendData(data);
        _hash = sha.GetHashAndReset();
    }

    public void MixKey(ReadOnlySpan<byte> inputKeyMaterial)
    {
        var output = KeyDerivation.HkdfSha256(inputKeyMaterial, _chainingKey, ReadOnlySpan<byte>.Empty, 64);
        CryptographicOperations.ZeroMemory(_chainingKey);
        CryptographicOperations.ZeroMemory(_cipherKey);
        _chainingKey = output[..32];
        _cipherKey = output[32..];
        CryptographicOperations.ZeroMemory(output);
        _cipher.Dispose();
        _cipher = new NoiseCipher(_cipherKey);
    }

    /// <summary>Encrypts with h as associated data, then mixes the ciphertext into h.</summary>
    public byte[] EncryptAndHash(ReadOnlySpan<byte> plaintext)
    {
        var ciphertext = _cipher.Encrypt(plaintext, _hash);
        MixHash(ciphertext);
        return ciphertext;
    }

    /// <summary>Decrypts with h as associated data, then mixes the ciphertext (not the plaintext) into h.</summary>
    public byte[] DecryptAndHash(ReadOnlySpan<byte> ciphertext)
    {
        byte[] plaintext;
        try
        {
            plaintext = _cipher.Decrypt(ciphertext, _hash);
        }
        catch (NoiseDecryptionException exception)
        {
            throw new NoiseHandshakeException("A handshake message failed authentication.", exception);
        }
        MixHash(ciphertext);
        return plaintext;
    }

    /// <summary>HKDF(ck, empty) → (initiator→responder key, responder→initiator key).</summary>
    public NoiseTransportKeys Split()
    {
        var output = KeyDerivation.HkdfSha256(ReadOnlySpan<byte>.Empty, _chainingKey, ReadOnlySpan<byte>.Empty, 64);
        var keys = new NoiseTransportKeys(output[..32], output[32..]);
        CryptographicOperations.ZeroMemory(output);
        return keys;
    }

    public void Dispose()
    {
        _cipher.Dispose();
        CryptographicOperations.ZeroMemory(_chainingKey);
        CryptographicOperations.ZeroMemory(_cipherKey);
    }
}
