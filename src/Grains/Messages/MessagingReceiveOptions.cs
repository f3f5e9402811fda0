namespace CodeChat.Grains.Messages;

/// <summary>Configuration section "Messaging": how received media is handed out.</summary>
public sealed class MessagingReceiveOptions
{
    public const string SectionName = "Messaging";

    /// <summary>Name of the HttpClient that downloads from WhatsApp's media hosts.</summary>
    public const string MediaHttpClientName = "whatsapp-media-download";

    /// <summary>
    /// Media up to this size (default 8 MB, the seed's limit) is downloaded and carried in
    /// <c>new.message</c> as <c>media.base64</c>; larger media is fetched on demand through
    /// <c>/chat/mediaData</c>.
    /// </summary>
    public long InlineMediaMaxBytes { get; set; } = 8L * 1024 * 1024;

    /// <summary>
    /// How long the inline download may hold a message's delivery receipt (default 20 s); past it the
    /// event goes out without base64.
    /// </summary>
    public TimeSpan InlineMediaTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Largest attachment the on-demand routes return (default 100 MB: it crosses one grain call whole).</summary>
    public long MediaDownloadMaxBytes { get; set; } = 100L * 1024 * 1024;

    /// <summary>
    /// How long the public download link in <c>new.message</c>'s <c>media.path</c> works (default 24 h):
    /// anyone holding it can fetch that one attachment, without the API key, until then.
    /// </summary>
    public TimeSpan PublicMediaLinkLifetime { get; set; } = TimeSpan.FromHours(24);
}
