using System.Globalization;
using CodeChat.WhatsApp.Binary;

namespace CodeChat.WhatsApp.Media;

/// <summary>
/// The answer to <c>&lt;iq xmlns="w:m" type="set"&gt;&lt;media_conn/&gt;&lt;/iq&gt;</c>: the upload auth
/// token and the media hosts to try in order, valid for <see cref="Ttl"/> after it was fetched
/// (whatsapp-protocol.md §8.2 step 1; whatsmeow <c>mediaconn.go</c>).
/// </summary>
public sealed record MediaConnection(string Auth, IReadOnlyList<string> Hosts, TimeSpan Ttl, DateTimeOffset FetchedAt)
{
    public DateTimeOffset ExpiresAt => FetchedAt + Ttl;

    public bool IsFreshAt(DateTimeOffset now) => now < ExpiresAt;

    /// <summary>Reads the <c>&lt;media_conn&gt;</c> child of an iq result.</summary>
    public static MediaConnection FromResult(Node result, DateTimeOffset fetchedAt)
    {
        ArgumentNullException.ThrowIfNull(result);
        var node = result.Tag == "media_conn" ? result : result.GetChild("media_conn")
            ?? throw new FormatException("The media_conn answer has no <media_conn> element.");
        var auth = node.GetAttribute("auth");
        if (string.IsNullOrEmpty(auth))
            throw new FormatException("The media_conn answer has no auth token.");
        var hosts = node.GetChildren("host")
            .Select(host => host.GetAttribute("hostname"))
            .Where(hostname => !string.IsNullOrWhiteSpace(hostname))
            .Select(hostname => hostname!)
            .ToList();
        if (hosts.Count == 0)
            throw new FormatException("The media_conn answer lists no host.");
        var ttlSeconds = int.TryParse(node.GetAttribute("ttl"), NumberStyles.None, CultureInfo.InvariantCulture, out var ttl) ? ttl : 0;
        return new MediaConnection(auth, hosts, TimeSpan.FromSeconds(ttlSeconds), fetchedAt);
    }

    // The auth token is a credential: never print it.
    public override string ToString() => $"media_conn hosts [{string.Join(", ", Hosts)}], valid until {ExpiresAt:O}";
}
