using CodeChat.Grains.Abstractions.Messages;

namespace CodeChat.Session.Tests;

/// <summary>The one delay rule single sends and mailings share (options.delay: ms, or [min, max] picked uniformly).</summary>
public sealed class SendDelayTests
{
    [Fact]
    public void A_fixed_delay_is_that_delay_and_a_range_is_picked_within_its_ends_and_reaches_both()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(1200), new SendDelay(1200, 1200).Pick());
        Assert.Equal(TimeSpan.FromMilliseconds(300), new SendDelay(300, 100).Pick());

        var picks = Enumerable.Range(0, 2000).Select(_ => new SendDelay(10, 13).Pick().TotalMilliseconds).ToHashSet();
        Assert.Equal([10d, 11d, 12d, 13d], picks.Order());
    }
}
