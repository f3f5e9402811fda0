using CodeChat.Grains.Abstractions.Instances;
using CodeChat.Grains.Storage;
using Orleans.Concurrency;

namespace CodeChat.Grains.Instances;

[GrainType("instance-directory")]
[StatelessWorker]
public sealed class InstanceDirectoryGrain(PostgresInstanceRegistry registry) : Grain, IInstanceDirectoryGrain
{
    public Task<IReadOnlyList<InstanceSnapshot>> ListAsync(string? instanceName, CancellationToken cancellationToken = default) =>
        registry.ListAsync(instanceName, cancellationToken);
}
