using CodeChat.Grains.Abstractions.Instances;
using CodeChat.Grains.Abstractions.Queues;
using CodeChat.Grains.Storage;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace CodeChat.Grains.Queues;

/// <summary>
/// Lists an instance's send queues straight from storage (a read any silo can answer: no queue grain
/// is woken). A queue's own grain answers for the one queue, with its in-memory view.
/// </summary>
[GrainType("sendqueues")]
[StatelessWorker]
public sealed class SendQueueDirectoryGrain(PostgresSendQueueStore store, IOptions<SendQueueOptions> options) : Grain, ISendQueueDirectoryGrain
{
    public Task<int> GetMaxRecipientsAsync() => Task.FromResult(options.Value.MaxRecipients);

    public async Task<IReadOnlyList<SendQueueView>?> ListAsync(CancellationToken cancellationToken = default)
    {
        var instanceName = this.GetPrimaryKeyString();
        if (await GrainFactory.GetGrain<IInstanceGrain>(instanceName).GetAsync(cancellationToken) is null)
            return null;
        var queues = await store.ListAsync(instanceName, cancellationToken);
        return [.. queues.Select(queue => queue.View())];
    }
}
