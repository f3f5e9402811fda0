namespace CodeChat.Media.Sources;

/// <summary>
/// The mimetype of a file: from its name's extension, else from what its source declared, else from
/// its first bytes (CodeChat 1.3 takes the extension first, then the HTTP content type,
/// codechat-api.md §4.1; sniffing is ours, for base64 input without either).
/// </summary>
public static class MediaTypes
{
    public const string OctetStream = "application/octet-stream";

    /// <summary>What WhatsApp clients send for a voice note (Baileys' MIMETYPE_MAP for audio).</summary>
    public const string OggOpus = "audio/ogg; codecs=opus";

    private static readonly Dictionary<string, string> ByExtension = new(StringComparer.OrdinalIgnoreCase)
    {
        [".jpg"] = "image/jpeg", [".jpeg"] = "image/jpeg", [".png"] = "image/png", [".gif"] = "image/gif",
        [".webp"] = "image/webp", [".bmp"] = "image/bmp", [".heic"] = "image/heic",
        [".mp4"] = "video/mp4", [".m4v"] = "video/mp4", [".3gp"] = "video/3gpp", [".mov"] = "video/quicktime",
        [".webm"] = "video/webm", [".mkv"] = "video/x-matroska", [".avi"] = "video/x-msvideo",
        [".ogg"] = "audio/ogg", [".oga"] = "audio/ogg", [".opus"] = "audio/ogg", [".mp3"] = "audio/mpeg",
        [".m4a"] = "audio/mp4", [".aac"] = "audio/aac", [".wav"] = "audio/wav", [".amr"] = "audio/amr", [".flac"] = "audio/flac",
        [".pdf"] = "application/pdf", [".txt"] = "text/plain", [".csv"] = "text/csv", [".json"] = "application/json",
        [".xml"] = "application/xml", [".html"] = "text/html", [".htm"] = "text/html", [".zip"] = "application/zip",
        [".rar"] = "application/vnd.rar", [".7z"] = "application/x-7z-compressed", [".gz"] = "application/gzip",
        [".doc"] = "application/msword", [".xls"] = "application/vnd.ms-excel", [".ppt"] = "application/vnd.ms-powerpoint",
        [".docx"] = "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        [".xlsx"] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        [".pptx"] = "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        [".odt"] = "application/vnd.oasis.opendocument.text", [".ods"] = "application/vnd.oasis.opendocument.spreadsheet",
        [".vcf"] = "text/vcard", [".apk"] = "application/vnd.android.package-archive",
    };

    /// <summary>The mimetype for a file called <paramref name="fileName"/>, declared as <paramref name="declared"/>, starting with <paramref name="head"/>.</summary>
    public static string Detect(string? fileName, string? declared, ReadOnlySpan<byte> head)
    {
        if (!string.IsNullOrEmpty(fileName) && ByExtension.TryGetValue(Path.GetExtension(fileName), out var byName))
            return byName;
        var bare = WithoutParameters(declared);
        if (bare is not null && bare != OctetStream && bare.Contains('/', StringComparison.Ordinal))
            return bare;
        return Sniff(head) ?? OctetStream;
    }

    /// <summary>Reads the first bytes of <paramref name="file"/> and detects as <see cref="Detect"/>; leaves the position at 0.</summary>
    public static async Task<string> DetectAsync(string? fileName, string? declared, Stream file, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        var head = new byte[64];
        file.Position = 0;
        var read = await file.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        file.Position = 0;
        return Detect(fileName, declared, head.AsSpan(0, read));
    }

    /// <summary>The file's type from its magic bytes, or null when none matches.</summary>
    public static string? Sniff(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF])) return "image/jpeg";
        if (head.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A])) return "image/png";
        if (head.StartsWith("GIF87a"u8) || head.StartsWith("GIF89a"u8)) return "image/gif";
        if (head.Length >= 12 && head.StartsWith("RIFF"u8) && head[8..12].SequenceEqual("WEBP"u8)) return "image/webp";
        if (head.Length >= 12 && head.StartsWith("RIFF"u8) && head[8..12].SequenceEqual("WAVE"u8)) return "audio/wav";
        if (head.StartsWith("BM"u8) && head.Length >= 14) return "image/bmp";
        if (head.StartsWith("%PDF-"u8)) return "application/pdf";
        if (head.StartsWith("OggS"u8)) return "audio/ogg";
        if (head.StartsWith("ID3"u8) || (head.Length >= 2 && head[0] == 0xFF && (head[1] & 0xE0) == 0xE0 && (head[1] & 0x06) != 0)) return "audio/mpeg";
        if (head.StartsWith("fLaC"u8)) return "audio/flac";
        if (head.StartsWith("#!AMR"u8)) return "audio/amr";
        if (head.StartsWith((ReadOnlySpan<byte>)[0x1A, 0x45, 0xDF, 0xA3])) return "video/webm";
        if (head.Length >= 12 && head[4..8].SequenceEqual("ftyp"u8))
        {
            var brand = head[8..12];
            if (brand.SequenceEqual("M4A "u8)) return "audio/mp4";
            if (brand.SequenceEqual("qt  "u8)) return "video/quicktime";
            if (brand.StartsWith("3g"u8)) return "video/3gpp";
            if (brand.SequenceEqual("heic"u8) || brand.SequenceEqual("heix"u8) || brand.SequenceEqual("mif1"u8)) return "image/heic";
            return "video/mp4";
        }
        if (head.StartsWith("PK\u0003\u0004"u8)) return "application/zip";
        return null;
    }

    /// <summary><c>image/png; q=1</c> → <c>image/png</c>, lower-cased; null for null or blank.</summary>
    public static string? WithoutParameters(string? mediaType)
    {
        if (string.IsNullOrWhiteSpace(mediaType))
            return null;
        var semicolon = mediaType.IndexOf(';', StringComparison.Ordinal);
        var bare = (semicolon < 0 ? mediaType : mediaType[..semicolon]).Trim().ToLowerInvariant();
        return bare.Length == 0 ? null : bare;
    }

    /// <summary>An extension for <paramref name="mimetype"/> (for a file name made up when the caller gave none).</summary>
    public static string ExtensionFor(string mimetype)
    {
        var bare = WithoutParameters(mimetype);
        foreach (var (extension, type) in ByExtension)
        {
            if (type == bare)
                return extension;
        }
        return ".bin";
    }
}
