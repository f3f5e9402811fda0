using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace CodeChat.WhatsApp.Client;

/// <summary>
/// The WhatsApp Web version we claim to be (whatsapp-protocol.md §2.7). The server rejects stale
/// versions with <c>&lt;failure reason="405"&gt;</c> (pitfall P2), so this is configuration, not a constant:
/// <see cref="Default"/> is only the last version known to work when this library was written.
/// </summary>
public readonly partial record struct WhatsAppWebVersion(uint Primary, uint Secondary, uint Tertiary) : IComparable<WhatsAppWebVersion>
{
    /// <summary>
    /// True for the shape WhatsApp Web versions have (<c>2.3000.&lt;client revision&gt;</c> today): major 2 and
    /// non-zero parts. Rejects typos such as <c>0.0.0</c> or <c>3000.2.1</c> before they reach the server.
    /// </summary>
    public bool IsWebVersion => Primary == 2 && Secondary > 0 && Tertiary > 0;

    public int CompareTo(WhatsAppWebVersion other)
    {
        var byPrimary = Primary.CompareTo(other.Primary);
        if (byPrimary != 0)
        {
            return byPrimary;
        }
        var bySecondary = Secondary.CompareTo(other.Secondary);
        return bySecondary != 0 ? bySecondary : Tertiary.CompareTo(other.Tertiary);
    }

    public static bool operator <(WhatsAppWebVersion left, WhatsAppWebVersion right) => left.CompareTo(right) < 0;

    public static bool operator >(WhatsAppWebVersion left, WhatsAppWebVersion right) => left.CompareTo(right) > 0;

    public static bool operator <=(WhatsAppWebVersion left, WhatsAppWebVersion right) => left.CompareTo(right) <= 0;

    public static bool operator >=(WhatsAppWebVersion left, WhatsAppWebVersion right) => left.CompareTo(right) >= 0;

    /// <summary>Version hard-coded by whatsmeow (store/clientpayload.go <c>waVersion</c>) at the time of writing.</summary>
    public static WhatsAppWebVersion Default { get; } = new(2, 3000, 1045649367);

    /// <summary>Dot-joined form, e.g. <c>2.3000.1045649367</c>; this exact text is what the build hash covers.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Primary}.{Secondary}.{Tertiary}");

    /// <summary>
    /// MD5 of the ASCII version string, sent as <c>DevicePairingRegistrationData.buildHash</c>.
    /// It must describe the same version as <c>UserAgent.appVersion</c>.
    /// </summary>
    public byte[] ComputeBuildHash() => MD5.HashData(Encoding.ASCII.GetBytes(ToString()));

    public static WhatsAppWebVersion Parse(string text) =>
        TryParse(text, out var version)
            ? version
            : throw new FormatException($"'{text}' is not a WhatsApp Web version (expected three dot-separated numbers).");

    public static bool TryParse(string? text, out WhatsAppWebVersion version)
    {
        version = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var parts = text.Trim().Split('.');
        if (parts.Length != 3
            || !uint.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var primary)
            || !uint.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var secondary)
            || !uint.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var tertiary))
        {
            return false;
        }

        version = new WhatsAppWebVersion(primary, secondary, tertiary);
        return true;
    }

    /// <summary>
    /// Extracts the current version from the text of <c>https://web.whatsapp.com/sw.js</c>, which embeds
    /// <c>"client_revision":&lt;n&gt;</c> (possibly with escaped quotes); the version is then 2.3000.n
    /// (same approach as Baileys <c>fetchLatestWaWebVersion</c>). Fetching the script is the caller's job.
    /// </summary>
    public static bool TryParseServiceWorker(string? script, out WhatsAppWebVersion version)
    {
        version = default;
        if (string.IsNullOrEmpty(script))
        {
            return false;
        }

        var match = ClientRevisionPattern().Match(script);
        if (!match.Success
            || !uint.TryParse(match.Groups["revision"].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var revision))
        {
            return false;
        }

        version = new WhatsAppWebVersion(2, 3000, revision);
        return true;
    }

    [GeneratedRegex("""\\?"client_revision\\?"\s*:\s*(?<revision>\d+)""", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex ClientRevisionPattern();
}
