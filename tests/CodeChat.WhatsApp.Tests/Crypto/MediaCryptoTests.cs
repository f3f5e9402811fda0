using System.Text;
using CodeChat.WhatsApp.Crypto;
using static CodeChat.WhatsApp.Tests.Crypto.KnownAnswers;

namespace CodeChat.WhatsApp.Tests.Crypto;

public class MediaCryptoTests
{
    [Theory]
    // vectors.json media.expand[<X>] = HKDF(media.media_key, "WhatsApp <X> Keys", 112), whatsapp-protocol.md §12.6.
    [InlineData(MediaType.Image, "Image")]
    [InlineData(MediaType.Video, "Video")]
    [InlineData(MediaType.Audio, "Audio")]
    [InlineData(MediaType.Document, "Document")]
    [InlineData(MediaType.History, "History")]
    [InlineData(MediaType.AppState, "App State")]
    [InlineData(MediaType.LinkThumbnail, "Link Thumbnail")]
    [InlineData(MediaType.StickerPack, "Sticker Pack")]
    // Pitfall P20: stickers use image keys, voice notes audio keys, GIFs and round videos video keys.
    [InlineData(MediaType.Sticker, "Image")]
    [InlineData(MediaType.Ptt, "Audio")]
    [InlineData(MediaType.Gif, "Video")]
    [InlineData(MediaType.Ptv, "Video")]
    public void Expansion_matches_vectors(MediaType type, string vectorName)
    {
        var expanded = Hex($"media.expand[{vectorName}]");
        var keys = MediaKeys.Expand(Hex("media.media_key"), type);
        Assert.Equal(expanded[..16], keys.Iv.ToArray());
        Assert.Equal(expanded[16..48], keys.CipherKey.ToArray());
        Assert.Equal(expanded[48..80], keys.MacKey.ToArray());
        Assert.Equal(expanded[80..112], keys.RefKey.ToArray());
    }

    [Fact]
    public void Image_keys_split_as_documented()
    {
        // vectors.json media.image.iv / cipher_key / mac_key / ref_key (§12.6).
        var keys = MediaKeys.Expand(Hex("media.media_key"), MediaType.Image);
        Assert.Equal(Hex("media.image.iv"), keys.Iv.ToArray());
        Assert.Equal(Hex("media.image.cipher_key"), keys.CipherKey.ToArray());
        Assert.Equal(Hex("media.image.mac_key"), keys.MacKey.ToArray());
        Assert.Equal(Hex("media.image.ref_key"), keys.RefKey.ToArray());
    }

    [Fact]
    public void Encrypts_image_like_the_vector()
    {
        // vectors.json media.image.* (§12.6), plaintext "Hello, WhatsApp media!".
        var plaintext = Encoding.ASCII.GetBytes(Text("media.image.plaintext_ascii"));
        var encrypted = MediaCrypto.Encrypt(plaintext, Hex("media.media_key"), MediaType.Image);
        Assert.Equal(Hex("media.image.upload_body"), encrypted.Body);
        Assert.Equal(Hex("media.image.ciphertext"), encrypted.Body[..^10]);
        Assert.Equal(Hex("media.image.mac10"), encrypted.Mac.ToArray());
        Assert.Equal(Hex("media.image.file_sha256"), encrypted.FileSha256);
        Assert.Equal(Hex("media.image.file_enc_sha256"), encrypted.FileEncSha256);
        Assert.Equal(22, encrypted.FileLength);
        Assert.Equal(Text("media.image.upload_token_b64url"), Convert.ToBase64String(encrypted.FileEncSha256).Replace('+', '-').Replace('/', '_'));
    }

    [Fact]
    public void Decrypts_image_vector_checking_both_hashes()
    {
        var plaintext = MediaCrypto.Decrypt(
            Hex("media.image.upload_body"),
            Hex("media.media_key"),
            MediaType.Image,
            Hex("media.image.file_enc_sha256"),
            Hex("media.image.file_sha256"));
        Assert.Equal(Text("media.image.plaintext_ascii"), Encoding.ASCII.GetString(plaintext));
    }

    [Fact]
    public void Decrypt_rejects_wrong_type_tampering_and_hash_mismatch()
    {
        var body = Hex("media.image.upload_body");
        var mediaKey = Hex("media.media_key");
        Assert.Throws<MediaIntegrityException>(() => MediaCrypto.Decrypt(body, mediaKey, MediaType.Video));
        var tampered = (byte[])body.Clone();
        tampered[3] ^= 0x01;
        Assert.Throws<MediaIntegrityException>(() => MediaCrypto.Decrypt(tampered, mediaKey, MediaType.Image));
        Assert.Throws<MediaIntegrityException>(() => MediaCrypto.Decrypt(body, mediaKey, MediaType.Image, expectedFileEncSha256: new byte[32]));
        Assert.Throws<MediaIntegrityException>(() => MediaCrypto.Decrypt(body, mediaKey, MediaType.Image, expectedFileSha256: new byte[32]));
    }

    [Fact]
    public void Baileyscsharp_media_key_expands_to_a_working_image_key()
    {
        // vectors.json bcs.media.* (§12.1 (b)): cat.jpeg itself is not shipped, so check the keys
        // round-trip a body whose size matches the vector (25 241 bytes → 25 258-byte upload).
        var mediaKey = Hex("bcs.media.media_key");
        var plaintext = new byte[25241];
        new Random(1).NextBytes(plaintext);
        var encrypted = MediaCrypto.Encrypt(plaintext, mediaKey, MediaType.Sticker);
        Assert.Equal(25258, encrypted.Body.Length);
        Assert.Equal(plaintext, MediaCrypto.Decrypt(encrypted.Body, mediaKey, MediaType.Image, encrypted.FileEncSha256, encrypted.FileSha256));
    }
}
