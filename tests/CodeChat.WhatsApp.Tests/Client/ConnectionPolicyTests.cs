using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Client;

namespace CodeChat.WhatsApp.Tests.Client;

/// <summary>Stream-error and failure table (whatsapp-protocol.md §5.1, §5.7; pitfalls P3, P18, P27), back-off, iq ids.</summary>
public class ConnectionPolicyTests
{
    public static TheoryData<string, StreamErrorKind, DisconnectReason, bool, bool, bool> StreamErrors => new()
    {
        { "<stream:error code=515/>", StreamErrorKind.RestartRequired, DisconnectReason.RestartRequired, true, true, false },
        { "<stream:error code=401><conflict type=device_removed/>", StreamErrorKind.DeviceRemoved, DisconnectReason.LoggedOut, false, false, true },
        { "<stream:error><conflict type=device_removed/>", StreamErrorKind.DeviceRemoved, DisconnectReason.LoggedOut, false, false, true },
        { "<stream:error><conflict type=replaced/>", StreamErrorKind.Replaced, DisconnectReason.Replaced, false, false, false },
        { "<stream:error code=503/>", StreamErrorKind.ServiceUnavailable, DisconnectReason.StreamError, true, false, false },
        { "<stream:error><xml-not-well-formed/>", StreamErrorKind.XmlNotWellFormed, DisconnectReason.StreamError, true, false, false },
        { "<stream:error><ping/>", StreamErrorKind.Ping, DisconnectReason.StreamError, true, false, false },
        { "<xmlstreamend/>", StreamErrorKind.StreamEnd, DisconnectReason.StreamError, true, false, false },
    };

    [Theory]
    [MemberData(nameof(StreamErrors))]
    public void Stream_errors_are_handled_by_kind(string shape, StreamErrorKind kind, DisconnectReason reason, bool reconnect, bool immediately, bool wipe)
    {
        var decision = StreamErrorPolicy.ForStreamError(Build(shape));

        Assert.Equal(kind, decision.Kind);
        Assert.Equal(reason, decision.Reason);
        Assert.Equal(reconnect, decision.Reconnect);
        Assert.Equal(immediately, decision.Immediately);
        Assert.Equal(wipe, decision.WipeCredentials);
    }

    [Theory]
    [InlineData("401", true, false)]
    [InlineData("403", true, false)]
    [InlineData("406", true, false)]
    [InlineData("405", false, false)]
    [InlineData("402", false, false)]
    [InlineData("503", false, true)]
    [InlineData("500", false, true)]
    public void Login_failures_wipe_stop_or_retry(string reason, bool wipe, bool reconnect)
    {
        var decision = StreamErrorPolicy.ForLoginFailure(reason);

        Assert.Equal(wipe, decision.WipeCredentials);
        Assert.Equal(reconnect, decision.Reconnect);
        Assert.Equal(reason, decision.Code);
    }

    [Fact]
    public void Login_failure_405_is_an_outdated_client_not_a_generic_refusal()
    {
        // whatsapp-protocol.md §5.1: 405 = client outdated; the run loop may retry with another version.
        var decision = StreamErrorPolicy.ForLoginFailure("405");

        Assert.Equal(StreamErrorKind.ClientOutdated, decision.Kind);
        Assert.Equal(DisconnectReason.ClientOutdated, decision.Reason);
        Assert.False(decision.Reconnect);
    }

    [Fact]
    public void Backoff_doubles_up_to_the_cap_and_resets()
    {
        var backoff = new ReconnectBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10), jitter: 0);

        var delays = Enumerable.Range(0, 6).Select(_ => backoff.NextDelay().TotalSeconds).ToList();
        Assert.Equal([1, 2, 4, 8, 10, 10], delays);

        backoff.Reset();
        Assert.Equal(1, backoff.NextDelay().TotalSeconds);
    }

    [Fact]
    public void Backoff_jitter_stays_within_its_spread_and_varies()
    {
        var backoff = new ReconnectBackoff(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10), jitter: 0.2, new Random(7));

        var delays = Enumerable.Range(0, 50).Select(_ => backoff.NextDelay().TotalSeconds).ToList();

        Assert.All(delays, d => Assert.InRange(d, 8, 12));
        Assert.True(delays.Distinct().Count() > 10);
    }

    [Fact]
    public void Iq_tracker_matches_only_answers_with_known_ids()
    {
        var tracker = new IqRequestTracker();
        var id = tracker.NextId();
        Assert.NotEqual(id, tracker.NextId());
        var waiter = tracker.Register(id);

        Assert.False(tracker.TryComplete(new Node("iq", [new("id", id), new("type", "set")])));
        Assert.False(tracker.TryComplete(new Node("iq", [new("id", "other"), new("type", "result")])));
        Assert.True(tracker.TryComplete(new Node("iq", [new("id", id), new("type", "result")])));
        Assert.True(waiter.IsCompletedSuccessfully);

        var orphan = tracker.Register(tracker.NextId());
        tracker.FailAll(new WaClientException("gone"));
        Assert.True(orphan.IsFaulted);
        Assert.Equal(0, tracker.PendingCount);
    }

    /// <summary>Builds the small stream-error shapes of the table: one element with an optional single child.</summary>
    private static Node Build(string shape)
    {
        var parts = shape.Trim('<', '>', '/').Split("><");
        static Node Element(string text)
        {
            var tokens = text.Trim('/').Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var attributes = tokens.Skip(1).Select(t => t.Split('=')).Select(kv => new NodeAttribute(kv[0], kv[1]));
            return new Node(tokens[0], NodeAttributes.Create(attributes));
        }
        var root = Element(parts[0]);
        return parts.Length == 1 ? root : root.WithContent(Element(parts[1]));
    }
}
