using CodeChat.Grains.Abstractions.Instances;
using CodeChat.Grains.Instances;
using CodeChat.Grains.Sessions;
using static CodeChat.Grains.Abstractions.Instances.InstanceConnectionState;

namespace CodeChat.Session.Tests;

/// <summary>The connection state machine on its own: every move from every state, no silo.</summary>
public sealed class InstanceConnectionTests
{
    private static readonly DateTimeOffset Before = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Now = Before.AddMinutes(5);

    public static TheoryData<InstanceConnectionState> AllStates => [Close, Connecting, Open, Refused];

    private static InstanceConnection In(InstanceConnectionState actual, InstanceConnectionState wanted = Open, int reason = 200) =>
        new(wanted, actual, reason, Before);

    [Fact]
    public void A_new_instance_is_closed_not_wanted_and_never_loaded() =>
        Assert.Equal(new InstanceConnection(Close, Close, 400, Now), InstanceConnection.Initial(Now));

    [Theory]
    [MemberData(nameof(AllStates))]
    public void A_session_may_start_from_every_state_since_a_dead_silo_leaves_any_state_behind(InstanceConnectionState actual) =>
        Assert.Equal(new InstanceConnection(Open, Connecting, 200, Now), In(actual, wanted: Close, reason: 428).Starting(Now));

    [Theory]
    [InlineData(Connecting)]
    [InlineData(Open)]
    public void A_live_session_opens(InstanceConnectionState actual) =>
        Assert.Equal(new InstanceConnection(Open, Open, 200, Now), In(actual, reason: 408).Opened(Now));

    [Theory]
    [InlineData(Close)]
    [InlineData(Refused)]
    public void An_ended_session_cannot_open_or_reconnect(InstanceConnectionState actual)
    {
        Assert.Null(In(actual).Opened(Now));
        Assert.Null(In(actual).Reconnecting(408, Now));
    }

    [Theory]
    [InlineData(Connecting)]
    [InlineData(Open)]
    public void A_drop_with_a_retry_is_connecting_with_the_drops_reason(InstanceConnectionState actual) =>
        Assert.Equal(new InstanceConnection(Open, Connecting, 408, Now), In(actual).Reconnecting(408, Now));

    [Theory]
    [InlineData(Connecting, false)]
    [InlineData(Open, false)]
    [InlineData(Connecting, true)]
    [InlineData(Open, true)]
    public void A_live_session_ends_closed_and_stays_wanted_only_when_asked(InstanceConnectionState actual, bool keepWanted) =>
        Assert.Equal(new InstanceConnection(keepWanted ? Open : Close, Close, 440, Now), In(actual).Ended(Close, 440, keepWanted, Now));

    [Fact]
    public void Only_a_connecting_session_is_refused() // an unscanned QR run
    {
        Assert.Equal(new InstanceConnection(Close, Refused, 428, Now), In(Connecting).Ended(Refused, 428, keepWanted: false, Now));
        Assert.Null(In(Open).Ended(Refused, 428, keepWanted: false, Now));
    }

    [Theory]
    [InlineData(Close)]
    [InlineData(Refused)]
    public void A_session_cannot_end_twice(InstanceConnectionState actual)
    {
        Assert.Null(In(actual).Ended(Close, 500, keepWanted: false, Now));
        Assert.Null(In(actual).Ended(Refused, 428, keepWanted: false, Now));
    }

    [Theory]
    [MemberData(nameof(AllStates))]
    public void A_session_cannot_end_in_a_live_state(InstanceConnectionState actual)
    {
        Assert.Null(In(actual).Ended(Open, 200, keepWanted: true, Now));
        Assert.Null(In(actual).Ended(Connecting, 200, keepWanted: true, Now));
    }

    [Fact]
    public void A_refusal_is_reported_once_then_the_state_is_close_with_the_refusals_reason_and_time()
    {
        Assert.Equal(new InstanceConnection(Close, Close, 428, Before), In(Refused, wanted: Close, reason: 428).RefusalReported());
        Assert.Null(In(Close).RefusalReported());
        Assert.Null(In(Connecting).RefusalReported());
        Assert.Null(In(Open).RefusalReported());
    }

    [Theory]
    [MemberData(nameof(AllStates))]
    public void Logout_is_closed_not_wanted_and_401_from_every_state(InstanceConnectionState actual) =>
        Assert.Equal(new InstanceConnection(Close, Close, ConnectionStatusReasons.LoggedOut, Now), In(actual).LoggedOut(Now));

    [Fact]
    public void Only_an_instance_wanted_connected_can_abandon_its_interrupted_qr_run()
    {
        Assert.Equal(new InstanceConnection(Close, Close, 428, Now), In(Connecting).Abandoned(Now));
        Assert.Null(In(Close, wanted: Close).Abandoned(Now));
    }
}
