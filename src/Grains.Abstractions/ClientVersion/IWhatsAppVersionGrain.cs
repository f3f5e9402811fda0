namespace CodeChat.Grains.Abstractions.ClientVersion;

/// <summary>
/// The cluster's WhatsApp Web version (one activation, key 0): read and set it, and the refresher that
/// reads WhatsApp Web's service worker on a schedule and right after an instance was refused with 405.
/// Versions travel as text (<c>2.3000.1045649367</c>) so this contract needs no protocol types.
/// </summary>
[Alias("CodeChat.IWhatsAppVersionGrain")]
public interface IWhatsAppVersionGrain : IGrainWithIntegerKey
{
    /// <summary>The version in use, where it comes from, and what the refresher last saw.</summary>
    [Alias("Get")]
    Task<WhatsAppVersionView> GetAsync(CancellationToken cancellationToken = default);

    /// <summary>Stores <paramref name="version"/> (already validated) as the cluster's version; used from the next connection on.</summary>
    [Alias("Set")]
    Task<WhatsAppVersionView> SetAsync(string version, CancellationToken cancellationToken = default);

    /// <summary>
    /// An instance was refused with <paramref name="rejected"/> (405): refresh now (unless a check just ran)
    /// and return the version to retry with, or null when the current one is the rejected one.
    /// </summary>
    [Alias("FindReplacement")]
    Task<string?> FindReplacementAsync(string rejected, CancellationToken cancellationToken = default);

    /// <summary>Registers the scheduled check as configured (or removes it when the schedule is off).</summary>
    [Alias("EnsureSchedule")]
    Task EnsureScheduleAsync(CancellationToken cancellationToken = default);
}
