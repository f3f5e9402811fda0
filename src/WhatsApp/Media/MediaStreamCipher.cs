using System.Buffers;
using System.Security.Cryptography;
using CodeChat.WhatsApp.Crypto;

namespace CodeChat.WhatsApp.Media;

/// <summary>
/// Media encryption and decryption over streams, so a 100 MB video never sits in memory
/// (whatsapp-protocol.md §8.2–§8.3). Same bytes as <see cref="MediaCrypto"/>:
/// body = AES-256-CBC(cipherKey, iv, plaintext) ‖ HMAC-SHA256(macKey, iv ‖ enc)[0:10].
/// </summary>
public static class MediaStreamCipher
{
    private const int ChunkLength = 64 * 1024;

    /// <summary>Encrypts <paramref name="plaintext"/> into <paramref name="body"/> (ciphertext then MAC).</summary>
    public static async Task<MediaHashes> EncryptAsync(Stream plaintext, Stream body, ReadOnlyMemory<byte> mediaKey, MediaType type, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        ArgumentNullException.ThrowIfNull(body);
        var keys = MediaKeys.Expand(mediaKey.Span, type);
        using var aes = Aes.Create();
        aes.Key = keys.CipherKey.ToArray();
        using var encryptor = aes.CreateEncryptor(aes.Key, keys.Iv.ToArray());
        using var mac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, keys.MacKey.Span);
        using var plainHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var bodyHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        mac.AppendData(keys.Iv.Span);

        var input = ArrayPool<byte>.Shared.Rent(ChunkLength);
        var output = ArrayPool<byte>.Shared.Rent(ChunkLength + 16);
        long length = 0;
        var pending = 0; // bytes in 'input' not yet encrypted (always < one block between reads)
        try
        {
            while (true)
            {
                var read = await plaintext.ReadAsync(input.AsMemory(pending, ChunkLength - pending), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                    break;
                plainHash.AppendData(input, pending, read);
                length += read;
                pending += read;
                var whole = pending - pending % 16;
                if (whole == 0)
                    continue;
                var written = encryptor.TransformBlock(input, 0, whole, output, 0);
                await WriteCiphertextAsync(output.AsMemory(0, written)).ConfigureAwait(false);
                Buffer.BlockCopy(input, whole, input, 0, pending - whole);
                pending -= whole;
            }
            var last = encryptor.TransformFinalBlock(input, 0, pending);
            await WriteCiphertextAsync(last).ConfigureAwait(false);
            var tag = mac.GetHashAndReset().AsMemory(0, MediaCrypto.MacLength);
            bodyHash.AppendData(tag.Span);
            await body.WriteAsync(tag, cancellationToken).ConfigureAwait(false);
            return new MediaHashes(plainHash.GetHashAndReset(), bodyHash.GetHashAndReset(), length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(input);
            ArrayPool<byte>.Shared.Return(output);
        }

        async ValueTask WriteCiphertextAsync(ReadOnlyMemory<byte> ciphertext)
        {
            mac.AppendData(ciphertext.Span);
            bodyHash.AppendData(ciphertext.Span);
            await body.WriteAsync(ciphertext, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Checks the body's hash (when given) and MAC BEFORE decrypting anything (no padding oracle, no
    /// unauthenticated bytes handed on), then decrypts into <paramref name="plaintext"/> and checks the
    /// plaintext hash (when given). <paramref name="body"/> must be seekable: it is read twice.
    /// On a plaintext hash mismatch bytes were already written: write into a temporary place.
    /// </summary>
    public static async Task<long> DecryptAsync(
        Stream body,
        Stream plaintext,
        ReadOnlyMemory<byte> mediaKey,
        MediaType type,
        ReadOnlyMemory<byte> expectedFileEncSha256,
        ReadOnlyMemory<byte> expectedFileSha256,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(plaintext);
        if (!body.CanSeek)
            throw new ArgumentException("The encrypted body must be seekable (it is authenticated before it is decrypted).", nameof(body));
        var start = body.Position;
        var encryptedLength = body.Length - start - MediaCrypto.MacLength;
        if (encryptedLength < AesCbcCipher.IvLength || encryptedLength % 16 != 0)
            throw new MediaIntegrityException($"Encrypted media of {body.Length - start} bytes is not a whole number of AES blocks plus a MAC.");

        var keys = MediaKeys.Expand(mediaKey.Span, type);
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkLength);
        var output = ArrayPool<byte>.Shared.Rent(ChunkLength + 16);
        try
        {
            // Pass 1: authenticate.
            using (var mac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, keys.MacKey.Span))
            using (var bodyHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            {
                mac.AppendData(keys.Iv.Span);
                var remaining = encryptedLength;
                while (remaining > 0)
                {
                    var read = await body.ReadAsync(buffer.AsMemory(0, (int)Math.Min(ChunkLength, remaining)), cancellationToken).ConfigureAwait(false);
                    if (read == 0)
                        throw new MediaIntegrityException("The encrypted media ended early.");
                    mac.AppendData(buffer, 0, read);
                    bodyHash.AppendData(buffer, 0, read);
                    remaining -= read;
                }
                var tag = new byte[MediaCrypto.MacLength];
                await body.ReadExactlyAsync(tag, cancellationToken).ConfigureAwait(false);
                bodyHash.AppendData(tag);
                if (!expectedFileEncSha256.IsEmpty && !CryptographicOperations.FixedTimeEquals(bodyHash.GetHashAndReset(), expectedFileEncSha256.Span))
                    throw new MediaIntegrityException("The encrypted media does not match its fileEncSha256.");
                if (!CryptographicOperations.FixedTimeEquals(mac.GetHashAndReset().AsSpan(0, MediaCrypto.MacLength), tag))
                    throw new MediaIntegrityException($"Media MAC mismatch (wrong media key or type {type}?).");
            }

            // Pass 2: decrypt.
            body.Position = start;
            using var aes = Aes.Create();
            aes.Key = keys.CipherKey.ToArray();
            using var decryptor = aes.CreateDecryptor(aes.Key, keys.Iv.ToArray());
            using var plainHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long written = 0;
            var left = encryptedLength;
            while (left > 0)
            {
                // ChunkLength and the ciphertext length are multiples of the AES block, so every
                // read is whole blocks; the decryptor keeps the last block back for the padding check.
                var take = (int)Math.Min(ChunkLength, left);
                await body.ReadExactlyAsync(buffer.AsMemory(0, take), cancellationToken).ConfigureAwait(false);
                left -= take;
                if (left == 0)
                {
                    var final = decryptor.TransformFinalBlock(buffer, 0, take);
                    plainHash.AppendData(final);
                    await plaintext.WriteAsync(final, cancellationToken).ConfigureAwait(false);
                    written += final.Length;
                    break;
                }
                var count = decryptor.TransformBlock(buffer, 0, take, output, 0);
                plainHash.AppendData(output, 0, count);
                await plaintext.WriteAsync(output.AsMemory(0, count), cancellationToken).ConfigureAwait(false);
                written += count;
            }
            if (!expectedFileSha256.IsEmpty && !CryptographicOperations.FixedTimeEquals(plainHash.GetHashAndReset(), expectedFileSha256.Span))
                throw new MediaIntegrityException("The decrypted media does not match its fileSha256.");
            return written;
        }
        catch (CryptographicException exception)
        {
            throw new MediaIntegrityException("Media decryption failed after a valid MAC.", exception);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            ArrayPool<byte>.Shared.Return(output);
        }
    }
}
