using System.Security.Cryptography;
using System.Text;
using CodeChat.WhatsApp.Crypto;
using CodeChat.WhatsApp.Media;
using static CodeChat.WhatsApp.Tests.Crypto.KnownAnswers;

namespace CodeChat.WhatsApp.Tests.Media;

/// <summary>The streaming media cipher gives the bytes of the published vector and of the one-shot cipher, at every size.</summary>
public sealed class MediaStreamCipherTests
{
    [Fact]
    public async Task Encrypts_the_image_vector()
    {
        // vectors.json media.image.* (whatsapp-protocol.md §12.6), plaintext "Hello, WhatsApp media!".
        var plaintext = Encoding.ASCII.GetBytes(Text("media.image.plaintext_ascii"));
        using var body = new MemoryStream();
        var hashes = await MediaStreamCipher.EncryptAsync(new MemoryStream(plaintext), body, Hex("media.media_key"), MediaType.Image, TestContext.Current.CancellationToken);
        Assert.Equal(Hex("media.image.upload_body"), body.ToArray());
        Assert.Equal(Hex("media.image.file_sha256"), hashes.FileSha256);
        Assert.Equal(Hex("media.image.file_enc_sha256"), hashes.FileEncSha256);
        Assert.Equal(22, hashes.FileLength);
    }

    [Fact]
    public async Task Decrypts_the_image_vector_checking_both_hashes()
    {
        using var plaintext = new MemoryStream();
        var length = await MediaStreamCipher.DecryptAsync(
            new MemoryStream(Hex("media.image.upload_body")), plaintext, Hex("media.media_key"), MediaType.Image,
            Hex("media.image.file_enc_sha256"), Hex("media.image.file_sha256"), TestContext.Current.CancellationToken);
        Assert.Equal(22, length);
        Assert.Equal(Text("media.image.plaintext_ascii"), Encoding.ASCII.GetString(plaintext.ToArray()));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(65_535)]
    [InlineData(65_536)]
    [InlineData(65_537)]
    [InlineData(300_001)]
    public async Task Round_trips_and_matches_the_one_shot_cipher(int size)
    {
        var ct = TestContext.Current.CancellationToken;
        var plaintext = RandomNumberGenerator.GetBytes(size);
        var mediaKey = MediaKeys.GenerateMediaKey();
        using var body = new MemoryStream();
        // A source that hands out odd-sized pieces, as a network stream does.
        var hashes = await MediaStreamCipher.EncryptAsync(new TricklingStream(plaintext), body, mediaKey, MediaType.Document, ct);

        var oneShot = MediaCrypto.Encrypt(plaintext, mediaKey, MediaType.Document);
        Assert.Equal(oneShot.Body, body.ToArray());
        Assert.Equal(oneShot.FileSha256, hashes.FileSha256);
        Assert.Equal(oneShot.FileEncSha256, hashes.FileEncSha256);
        Assert.Equal(size, hashes.FileLength);

        body.Position = 0;
        using var decrypted = new MemoryStream();
        Assert.Equal(size, await MediaStreamCipher.DecryptAsync(body, decrypted, mediaKey, MediaType.Document, hashes.FileEncSha256, hashes.FileSha256, ct));
        Assert.Equal(plaintext, decrypted.ToArray());
    }

    [Fact]
    public async Task Refuses_tampering_a_wrong_key_type_or_hash_before_writing_anything()
    {
        var ct = TestContext.Current.CancellationToken;
        var plaintext = RandomNumberGenerator.GetBytes(100_000);
        var mediaKey = MediaKeys.GenerateMediaKey();
        var encrypted = MediaCrypto.Encrypt(plaintext, mediaKey, MediaType.Image);

        async Task AssertRefusedAsync(byte[] body, MediaType type, byte[] encHash)
        {
            using var output = new MemoryStream();
            await Assert.ThrowsAsync<MediaIntegrityException>(() =>
                MediaStreamCipher.DecryptAsync(new MemoryStream(body), output, mediaKey, type, encHash, default, ct));
            Assert.Equal(0, output.Length);
        }

        var tampered = (byte[])encrypted.Body.Clone();
        tampered[50_000] ^= 1;
        await AssertRefusedAsync(tampered, MediaType.Image, []);
        await AssertRefusedAsync(encrypted.Body, MediaType.Video, []);
        await AssertRefusedAsync(encrypted.Body, MediaType.Image, SHA256.HashData(tampered));
        await AssertRefusedAsync(encrypted.Body[..^1], MediaType.Image, []);

        using var ignored = new MemoryStream();
        await Assert.ThrowsAsync<MediaIntegrityException>(() => MediaStreamCipher.DecryptAsync(
            new MemoryStream(encrypted.Body), ignored, mediaKey, MediaType.Image, encrypted.FileEncSha256, SHA256.HashData(plaintext.AsSpan(1)), ct));
    }

    /// <summary>Returns at most 7,777 bytes per read.</summary>
    private sealed class TricklingStream(byte[] data) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, 7_777)], cancellationToken);
    }
}
