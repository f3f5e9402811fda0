namespace CodeChat.WhatsApp.Client;

/// <summary>
/// The rolling window of privacy tokens (whatsapp-protocol.md §6.13): time is cut into 7-day buckets
/// (604,800 s, WhatsApp's AB prop <c>tctoken_duration</c>) and a token stays usable for the current
/// bucket and the three before it (<c>tctoken_num_buckets</c> = 4, about 28 days); we issue ours to a
/// contact again once per bucket. Both numbers are the constants of whatsmeow <c>tctoken.go</c> and
/// Baileys 7 <c>Utils/tc-token-utils.js</c>.
/// </summary>
public static class PrivacyTokenWindow
{
    public const long BucketSeconds = 604_800;

    public const int Buckets = 4;

    /// <summary>The oldest token timestamp still usable at <paramref name="now"/>: the start of the oldest bucket of the window.</summary>
    public static DateTimeOffset Cutoff(DateTimeOffset now) =>
        DateTimeOffset.FromUnixTimeSeconds((Bucket(now) - (Buckets - 1)) * BucketSeconds);

    /// <summary>Whether a token stamped <paramref name="timestamp"/> is too old to attach (none is expired too).</summary>
    public static bool IsExpired(DateTimeOffset? timestamp, DateTimeOffset now) => timestamp is not { } stamped || stamped < Cutoff(now);

    /// <summary>Whether to issue our token again: never issued, or last issued in an earlier bucket.</summary>
    public static bool ShouldIssue(DateTimeOffset? lastIssued, DateTimeOffset now) => lastIssued is not { } issued || Bucket(now) > Bucket(issued);

    private static long Bucket(DateTimeOffset at) => at.ToUnixTimeSeconds() / BucketSeconds;
}
