using CodeChat.Grains.Abstractions.Instances;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace CodeChat.Grains.Instances;

/// <summary>
/// The session lease: while its session is open, the activation that runs it records its silo and a
/// time in the record and renews both. A resume (activation, silo start-up, watchdog) that finds the
/// lease held by a silo that may still be running leaves the session alone, so a second activation
/// never dials over a live socket, whether it is a duplicate in this cluster or in another cluster on
/// the same database. Each renewal is a fenced write, so a stale open session also learns within one
/// period that it lost the instance.
/// </summary>
public sealed partial class InstanceGrain
{
    public static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan LeaseRenewalPeriod = TimeSpan.FromSeconds(30);

    private IGrainTimer? _leaseRenewal;

    private string ThisSilo => silo.SiloAddress.ToParsableString();

    /// <summary>Sets the connection fields, and holds the lease exactly while the session is open.</summary>
    private void SetConnection(InstanceConnection connection)
    {
        state.State.Connection = connection;
        if (connection.Actual == InstanceConnectionState.Open)
        {
            state.State.SessionLeaseHolder = ThisSilo;
            state.State.SessionLeaseUntil = Now() + LeaseDuration;
            _leaseRenewal ??= this.RegisterGrainTimer(RenewLeaseAsync, new GrainTimerCreationOptions(LeaseRenewalPeriod, LeaseRenewalPeriod));
        }
        else
        {
            ClearLease();
        }
    }

    private void ClearLease()
    {
        state.State.SessionLeaseHolder = null;
        state.State.SessionLeaseUntil = null;
        StopLeaseRenewal();
    }

    private void StopLeaseRenewal()
    {
        _leaseRenewal?.Dispose();
        _leaseRenewal = null;
    }

    /// <summary>
    /// True when another activation may still run the open session: the lease is unexpired, held by
    /// another silo, and that silo is not known dead in this cluster (a silo of another cluster, or one
    /// this cluster no longer lists, counts as alive until the lease lapses).
    /// </summary>
    private bool SessionLeasedElsewhere()
    {
        var current = state.State;
        if (current.SessionLeaseHolder is not { } holder || current.SessionLeaseUntil is not { } until || until <= Now())
            return false;
        // One activation per silo: the one that held the lease here is gone.
        if (string.Equals(holder, ThisSilo, StringComparison.Ordinal))
            return false;
        SiloAddress holderSilo;
        try
        {
            holderSilo = SiloAddress.FromParsableString(holder);
        }
        catch (FormatException)
        {
            return false;
        }
        if (membership.CurrentSnapshot.GetSiloStatus(holderSilo) == SiloStatus.Dead)
            return false;
        LogLeasedElsewhere(Name, holder, until);
        return true;
    }

    private async Task RenewLeaseAsync(CancellationToken cancellationToken)
    {
        if (_session is null || state.State.ActualConnectionState != InstanceConnectionState.Open)
        {
            StopLeaseRenewal();
            return;
        }
        state.State.SessionLeaseUntil = Now() + LeaseDuration;
        await TryWriteAsOwnerAsync();
    }

    /// <summary>On a clean deactivation (silo shutdown, idle): hands the lease back, so a resume elsewhere need not wait.</summary>
    private async Task ReleaseLeaseAsync()
    {
        StopLeaseRenewal();
        if (!string.Equals(state.State.SessionLeaseHolder, ThisSilo, StringComparison.Ordinal))
            return;
        state.State.SessionLeaseHolder = null;
        state.State.SessionLeaseUntil = null;
        try
        {
            await WriteRecordAsync();
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // Fenced (someone else owns it now) or the database is away: the lease lapses by itself.
            LogLeaseReleaseFailed(Name, exception);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Instance {InstanceName}: its session is open on silo {Holder} (lease until {Until}); not resuming here")]
    private partial void LogLeasedElsewhere(string instanceName, string holder, DateTimeOffset until);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Instance {InstanceName}: the session lease could not be handed back; it lapses by itself")]
    private partial void LogLeaseReleaseFailed(string instanceName, Exception exception);
}
