using System.Security.Cryptography;

namespace CodeChat.WhatsApp.Crypto;

/// <summary>The four keys expanded from a 32-byte media key (whatsapp-protocol.md §8.1).</summary>
public sealed class MediaKeys
{
    public const int MediaKeyLength = 32;
    public const int ExpandedLength = 112;

    private MediaKeys(byte[] expanded)
    {
        Iv = expanded.AsMemory(0, 16);
        CipherKey = expanded.AsMemory(16, 32);
        MacKey = expanded.AsMemory(48, 32);
        RefKey = expanded.AsMemory(80, 32);
    }

    /// <summary>AES-CBC IV (bytes 0–15).</summary>
    public ReadOnlyMemory<byte> Iv { get; }

    /// <summary>AES-256 key (bytes 16–47).</summary>
    public ReadOnlyMemory<byte> CipherKey { get; }

    /// <summary>HMAC-SHA256 key (bytes 48–79).</summary>
    public ReadOnlyMemory<byte> MacKey { get; }

    /// <summary>"Ref key" (bytes 80–111); clients do not use it.</summary>
    public ReadOnlyMemory<byte> RefKey { get; }

    /// <summary>A fresh random media key.</summary>
    public static byte[] GenerateMediaKey() => RandomNumberGenerator.GetBytes(MediaKeyLength);

    /// <summary>HKDF-SHA256(mediaKey, no salt, "WhatsApp &lt;X&gt; Keys", 112) split into its parts.</summary>
    public static MediaKeys Expand(ReadOnlySpan<byte> mediaKey, MediaType type)
    {
        if (mediaKey.Length != MediaKeyLength)
        {
            throw new ArgumentException($"A media key is 32 bytes; got {mediaKey.Length}.", nameof(mediaKey));
        }
        return new MediaKeys(KeyDerivation.HkdfSha256(mediaKey, default, HkdfInfo(type), ExpandedLength));
    }

    /// <summary>The HKDF info label for a media type.</summary>
    public static string HkdfInfo(MediaType type) => type switch
    {
        MediaType.Image or MediaType.Sticker => "WhatsApp Image Keys",
        MediaType.Video or MediaType.Gif or MediaType.Ptv => "WhatsApp Video Keys",
        MediaType.Audio or MediaType.Ptt => "WhatsApp Audio Keys",
        MediaType.Document => "WhatsApp Document Keys",
        MediaType.History => "WhatsApp History Keys",
        MediaType.AppState => "WhatsApp App State Keys",
        MediaType.LinkThumbnail => "WhatsApp Link Thumbnail Keys",
        MediaType.StickerPack => "WhatsApp Sticker Pack Keys",
        MediaType.ImageThumbnail => "WhatsApp Image Thumbnail Keys",
        MediaType.VideoThumbnail => "WhatsApp Video Thumbnail Keys",
        MediaType.DocumentThumbnail => "WhatsApp Document Thumbnail Keys",
        MediaType.PaymentBackground => "WhatsApp Payment Background Keys",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown media type."),
    };
}
