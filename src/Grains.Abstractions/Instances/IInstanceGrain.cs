using Orleans.Concurrency;

namespace CodeChat.Grains.Abstractions.Instances;

/// <summary>
/// One WhatsApp instance, keyed by its name. The grain is the single writer of the instance's
/// record and of its token hash; callers never see the stored hash again after handing it in.
/// </summary>
[Alias("CodeChat.IInstanceGrain")]
public interface IInstanceGrain : IGrainWithStringKey
{
    /// <summary>Creates the instance with its first token; refuses when the name is taken.</summary>
    [Alias("Create")]
    Task<InstanceCommandResult> CreateAsync(CreateInstanceCommand command, CancellationToken cancellationToken = default);

    /// <summary>The instance's record, or null when no instance has this name.</summary>
    [Alias("Get")]
    Task<InstanceSnapshot?> GetAsync(CancellationToken cancellationToken = default);

    /// <summary>Changes the description (null leaves it unchanged) and/or the external attributes.</summary>
    [Alias("Update")]
    Task<InstanceCommandResult> UpdateAsync(UpdateInstanceCommand command, CancellationToken cancellationToken = default);

    /// <summary>Deletes the instance and its token; returns the record as it was before deletion.</summary>
    [Alias("Delete")]
    Task<InstanceCommandResult> DeleteAsync(bool force, CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces the current token by <paramref name="replacement"/> when <paramref name="presentedTokenId"/>
    /// is the id of the current token, so only the latest token can be rotated.
    /// </summary>
    [Alias("RotateToken")]
    Task<InstanceCommandResult> RotateTokenAsync(string presentedTokenId, InstanceTokenCredential replacement, CancellationToken cancellationToken = default);

    /// <summary>True when the presented token is the instance's current token (hash compared in constant time).</summary>
    [Alias("IsCurrentToken")]
    Task<bool> IsCurrentTokenAsync(string tokenId, byte[] tokenSha256, CancellationToken cancellationToken = default);

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

    /// <summary>Activates the instance so that one wanted connected resumes its session (silo start-up, watchdog).</summary>
    [Alias("EnsureSession")]
    Task EnsureSessionAsync(CancellationToken cancellationToken = default);
}
