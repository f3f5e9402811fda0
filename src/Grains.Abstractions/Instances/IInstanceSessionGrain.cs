using Orleans.Concurrency;

namespace CodeChat.Grains.Abstractions.Instances;

/// <summary>
/// One instance's live WhatsApp session, keyed by the instance name: the same grain as
/// <see cref="IInstanceGrain"/>, seen through what a client does with the session.
/// </summary>
[Alias("CodeChat.IInstanceSessionGrain")]
public interface IInstanceSessionGrain : IGrainWithStringKey
{
    /// <summary>
    /// Starts the WhatsApp session (QR, or pairing code with <see cref="ConnectCommand.PhoneNumber"/>) and
    /// marks the instance as wanted connected, so it reconnects after restarts until logout. Returns at
    /// once; the socket runs in the background.
    /// </summary>
    [Alias("Connect")]
    Task<ConnectResult> ConnectAsync(ConnectCommand command, CancellationToken cancellationToken = default);

    /// <summary>
    /// The current QR object once the session has a QR (or the requested pairing code), is open or has
    /// ended, or after <paramref name="timeout"/> (CodeChat waits about 3 s). Runs interleaved: it only waits.
    /// </summary>
    [Alias("WaitForCode")]
    [AlwaysInterleave]
    Task<InstanceQrCode> WaitForCodeAsync(TimeSpan timeout, CancellationToken cancellationToken = default);

    /// <summary>CodeChat's <c>{state, statusReason}</c>, or null when no instance has this name.</summary>
    [Alias("GetConnectionState")]
    Task<InstanceConnectionView?> GetConnectionStateAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes this companion device from the account (when connected), wipes its credentials and keys,
    /// and stops reconnecting. Succeeds when there was nothing to log out.
    /// </summary>
    [Alias("Logout")]
    Task<InstanceCommandResult> LogoutAsync(CancellationToken cancellationToken = default);
}
