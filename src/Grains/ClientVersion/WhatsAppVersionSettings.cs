using System.Globalization;
using CodeChat.Grains.Sessions;
using CodeChat.WhatsApp.Client;

namespace CodeChat.Grains.ClientVersion;

/// <summary>
/// The version keys of the "WhatsApp" section, parsed: <c>WhatsApp:Version</c>, <c>WhatsApp:VersionSource</c>
/// and <c>WhatsApp:VersionRefresh</c>. <see cref="From"/> throws naming the key, so a typo stops start-up
/// instead of surfacing as a refused login hours later.
/// </summary>
public sealed record WhatsAppVersionSettings(WhatsAppWebVersion? Configured, Uri? Source, TimeSpan? Interval)
{
    /// <summary>WhatsApp Web's service worker, which embeds the current client revision (Baileys reads the same file).</summary>
    public static readonly Uri WhatsAppServiceWorker = new("https://web.whatsapp.com/sw.js");

    public static readonly TimeSpan DefaultInterval = TimeSpan.FromHours(1);

    /// <summary>Orleans reminders do not fire more often than this.</summary>
    public static readonly TimeSpan MinimumInterval = TimeSpan.FromMinutes(1);

    private const string Off = "off";

    /// <summary>True when the refresher reads a service worker at all (after a 405, and on the schedule if any).</summary>
    public bool RefresherEnabled => Source is not null;

    /// <summary>The version to claim when none is stored: configured, else compiled-in.</summary>
    public WhatsAppWebVersion Fallback => Configured ?? WhatsAppWebVersion.Default;

    public static WhatsAppVersionSettings From(WhatsAppOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new(ParseVersion(options.Version), ParseSource(options.VersionSource), ParseInterval(options.VersionRefresh));
    }

    private static WhatsAppWebVersion? ParseVersion(string? text)
    {
        if (text is null || string.IsNullOrWhiteSpace(text))
            return null;
        if (!WhatsAppWebVersion.TryParse(text, out var version) || !version.IsWebVersion)
            throw new InvalidOperationException($"WhatsApp:Version must be a WhatsApp Web version such as 2.3000.1045649367, not '{text}'.");
        return version;
    }

    private static Uri? ParseSource(string? text)
    {
        if (text is null)
            return WhatsAppServiceWorker;
        if (string.IsNullOrWhiteSpace(text) || IsOff(text))
            return null;
        if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var source) || source.Scheme != Uri.UriSchemeHttps)
            throw new InvalidOperationException($"WhatsApp:VersionSource must be an absolute https:// URL or 'off', not '{text}'.");
        return source;
    }

    private static TimeSpan? ParseInterval(string? text)
    {
        if (text is null)
            return DefaultInterval;
        if (string.IsNullOrWhiteSpace(text) || IsOff(text))
            return null;
        if (!TimeSpan.TryParse(text.Trim(), CultureInfo.InvariantCulture, out var interval) || interval < TimeSpan.Zero)
            throw new InvalidOperationException($"WhatsApp:VersionRefresh must be a TimeSpan such as 01:00:00, or 'off', not '{text}'.");
        if (interval == TimeSpan.Zero)
            return null;
        if (interval < MinimumInterval)
            throw new InvalidOperationException($"WhatsApp:VersionRefresh must be at least {MinimumInterval:c} (or 'off'), not '{text}'.");
        return interval;
    }

    private static bool IsOff(string text) => string.Equals(text.Trim(), Off, StringComparison.OrdinalIgnoreCase);
}
