using CodeChat.Grains.Abstractions.ClientVersion;
using CodeChat.Grains.Abstractions.Instances;
using CodeChat.Grains.Sessions;
using Microsoft.Extensions.Logging;

namespace CodeChat.Grains.Instances;

// Concern: an instance refused for an outdated WhatsApp Web version (405). The client has already
// retried once with a replacement when there was one; what reaches here is the end of that: the
// instance stops (no watchdog, no reconnect loop) and says what to do about it.
public sealed partial class InstanceGrain
{
    private string? _refusedVersion;

    private void NoteClientOutdated(SessionSignal signal)
    {
        _refusedVersion = signal.Text;
        if (signal.RetryVersion is { } retryVersion)
            LogRetryingWithVersion(Name, signal.Text, retryVersion);
    }

    private async Task StopForOutdatedVersionAsync(int statusReason, CancellationToken cancellationToken)
    {
        var reason = OutdatedVersionReason(_refusedVersion);
        // Warning once per instance and outage: the instance stays closed until someone acts.
        LogStoppedForOutdatedVersion(Name, _refusedVersion, WhatsAppVersionRoute.Path);
        await EndSessionAsync(InstanceConnectionState.Close, statusReason,
            keepWanted: false, clearOwner: false, cancellationToken, refusal: reason);
        _refusedVersion = null;
    }

    /// <summary>The <c>reason</c> of the refused <c>connection.update</c>: the problem and the route that fixes it.</summary>
    internal static string OutdatedVersionReason(string? rejectedVersion) =>
        $"WhatsApp refused client version {rejectedVersion ?? "(unknown)"} as outdated (405) and no newer version was found; " +
        $"set a current WhatsApp Web version with PUT {WhatsAppVersionRoute.Path} (global apikey) and the instance connects again by itself";

    [LoggerMessage(Level = LogLevel.Information, Message = "Instance {InstanceName}: WhatsApp refused client version {Rejected} as outdated; retrying once with {RetryVersion}")]
    private partial void LogRetryingWithVersion(string instanceName, string? rejected, string retryVersion);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Instance {InstanceName} stopped: WhatsApp refused client version {Rejected} as outdated (405) and no newer version was found; set one with PUT {Route} and it connects again by itself")]
    private partial void LogStoppedForOutdatedVersion(string instanceName, string? rejected, string route);
}
