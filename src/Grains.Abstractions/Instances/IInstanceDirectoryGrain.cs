namespace CodeChat.Grains.Abstractions.Instances;

/// <summary>
/// Lists instances across the whole cluster from the instance registry table, without
/// activating one grain per instance. Use key 0.
/// </summary>
[Alias("CodeChat.IInstanceDirectoryGrain")]
public interface IInstanceDirectoryGrain : IGrainWithIntegerKey
{
    /// <summary>All instances ordered by creation, or only the one named <paramref name="instanceName"/>.</summary>
    [Alias("List")]
    Task<IReadOnlyList<InstanceSnapshot>> ListAsync(string? instanceName, CancellationToken cancellationToken = default);
}
