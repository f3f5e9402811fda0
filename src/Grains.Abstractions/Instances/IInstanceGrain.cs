namespace CodeChat.Grains.Abstractions.Instances;

/// <summary>
/// One instance's record, keyed by its name: create, read, change, delete and its token. The grain is
/// the single writer of the record and of its token hash; callers never see the stored hash again after
/// handing it in. The same grain (same key) runs the WhatsApp session: <see cref="IInstanceSessionGrain"/>.
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

    /// <summary>
    /// Deletes the instance and its token (logging out first when <paramref name="force"/> and open);
    /// returns the record as it was before deletion.
    /// </summary>
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
}
