using CodeChat.WhatsApp.Crypto;

namespace CodeChat.Media;

/// <summary>
/// Configuration section <c>Media</c>: what the gateway may fetch for a send, how much it takes per
/// kind of media, and where ffmpeg is.
/// </summary>
public sealed class MediaOptions
{
    public const string SectionName = "Media";

    /// <summary>
    /// Networks (CIDR or single addresses) a media or link-preview URL may reach although they are
    /// loopback, private, link-local or reserved (e.g. an intranet file server). Empty by default.
    /// </summary>
    public List<string> AllowedNetworks { get; set; } = [];

    /// <summary>Whole-fetch limit for one media URL (connect, redirects and body).</summary>
    public TimeSpan FetchTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Redirects followed per fetch; each target is checked like the first URL.</summary>
    public int MaxRedirects { get; set; } = 5;

    // Defaults are WhatsApp's published limits (WhatsApp Help Center, "About sending media": photos,
    // videos and voice messages up to 16 MB; documents up to 2 GB since 2022), except documents, held
    // at CodeChat 1.3's 100 MB request body limit: a larger default would let one call fill the disk.
    // Stickers: WhatsApp's sticker guidelines allow 100 KB static / 500 KB animated WebP.

    public long ImageMaxBytes { get; set; } = 16L * 1024 * 1024;
    public long VideoMaxBytes { get; set; } = 16L * 1024 * 1024;
    public long AudioMaxBytes { get; set; } = 16L * 1024 * 1024;
    public long DocumentMaxBytes { get; set; } = 100L * 1024 * 1024;
    public long StickerMaxBytes { get; set; } = 500L * 1024;

    /// <summary>Largest page or image a link preview reads (title, description, thumbnail source).</summary>
    public long LinkPreviewMaxBytes { get; set; } = 2L * 1024 * 1024;

    /// <summary>
    /// The box the inline JPEG thumbnail of an image or video fits in, keeping the aspect ratio
    /// (CodeChat 1.3 sends 320×240 thumbnails, codechat-api.md §4.1).
    /// </summary>
    public int ThumbnailMaxWidth { get; set; } = 320;

    public int ThumbnailMaxHeight { get; set; } = 240;

    /// <summary>
    /// How long a media send runs before it reports itself in <c>send.message</c> events (START,
    /// PROCESSING %, COMPLETED / ERROR); quicker sends raise none.
    /// </summary>
    public TimeSpan ProgressEventsAfter { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Folder holding <c>ffmpeg</c> and <c>ffprobe</c>; empty = found on PATH (Debian's package).</summary>
    public string? FfmpegFolder { get; set; }

    /// <summary>Longest an ffmpeg or ffprobe run may take before it is stopped.</summary>
    public TimeSpan FfmpegTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The largest of the per-kind limits (what a file of a kind not yet known may take).</summary>
    public long LargestMaxBytes => new[] { ImageMaxBytes, VideoMaxBytes, AudioMaxBytes, DocumentMaxBytes, StickerMaxBytes }.Max();

    /// <summary>The size limit for <paramref name="kind"/>.</summary>
    public long MaxBytesFor(MediaType kind) => kind switch
    {
        MediaType.Image => ImageMaxBytes,
        MediaType.Video or MediaType.Gif or MediaType.Ptv => VideoMaxBytes,
        MediaType.Audio or MediaType.Ptt => AudioMaxBytes,
        MediaType.Sticker => StickerMaxBytes,
        MediaType.Document => DocumentMaxBytes,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a kind of media a message sends."),
    };
}
