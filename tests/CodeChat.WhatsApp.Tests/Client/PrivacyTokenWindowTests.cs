using CodeChat.WhatsApp.Client;

namespace CodeChat.WhatsApp.Tests.Client;

/// <summary>
/// The privacy-token window with the constants whatsmeow tctoken.go and Baileys 7 tc-token-utils.js use
/// (7-day buckets of 604,800 s, 4 buckets): worked by hand from their formulas
/// (cutoff = (now / 604800 − 3) × 604800; issue again when now / 604800 > last / 604800).
/// </summary>
public sealed class PrivacyTokenWindowTests
{
    // 2026-12-03T12:00:00Z = 1,796,299,200 s → bucket 2970 (2970 × 604,800 = 1,796,256,000 = 2026-12-03T00:00:00Z).
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_796_299_200);

    [Fact]
    public void The_cutoff_is_the_start_of_the_bucket_three_before_the_current_one()
    {
        // (2970 − 3) × 604,800 = 1,794,441,600 = 2026-11-12T00:00:00Z
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_794_441_600), PrivacyTokenWindow.Cutoff(Now));
        Assert.Equal(new DateTimeOffset(2026, 11, 12, 0, 0, 0, TimeSpan.Zero), PrivacyTokenWindow.Cutoff(Now));
    }

    [Fact]
    public void A_token_is_usable_from_the_cutoff_on_and_expired_a_second_before_or_when_missing()
    {
        Assert.False(PrivacyTokenWindow.IsExpired(DateTimeOffset.FromUnixTimeSeconds(1_794_441_600), Now));
        Assert.True(PrivacyTokenWindow.IsExpired(DateTimeOffset.FromUnixTimeSeconds(1_794_441_599), Now));
        Assert.False(PrivacyTokenWindow.IsExpired(Now, Now));
        Assert.True(PrivacyTokenWindow.IsExpired(null, Now));
    }

    [Fact]
    public void Our_token_is_issued_again_only_once_a_new_bucket_has_begun()
    {
        Assert.True(PrivacyTokenWindow.ShouldIssue(null, Now));
        // Issued at the very start of the current bucket: not again until the next one.
        Assert.False(PrivacyTokenWindow.ShouldIssue(DateTimeOffset.FromUnixTimeSeconds(1_796_256_000), Now));
        Assert.True(PrivacyTokenWindow.ShouldIssue(DateTimeOffset.FromUnixTimeSeconds(1_796_255_999), Now));
        Assert.False(PrivacyTokenWindow.ShouldIssue(Now, Now.AddDays(6)));
        Assert.True(PrivacyTokenWindow.ShouldIssue(Now, Now.AddDays(7)));
    }
}
