using CodeChat.Grains.Queues;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CodeChat.Grains.Instances;

// Concern: the per-instance outbound rate limit that every send queue of the instance shares
// (SendQueues:InstanceMessagesPerMinute). It lives here because the instance grain is the one
// activation every send of the instance goes through anyway: all queues of an instance, wherever
// their grains run, ask this one activation for a slot, so the limit holds for them together without
// a database round trip or a lock. A move of the instance to another silo starts a fresh schedule;
// at worst one slot comes early once, which the limit tolerates.
public sealed partial class InstanceGrain
{
    private MailingPacer? _mailingPacer;

    public Task<TimeSpan> ReserveMailingSendAsync(CancellationToken cancellationToken = default)
    {
        _mailingPacer ??= new MailingPacer(ServiceProvider.GetRequiredService<IOptions<SendQueueOptions>>().Value.InstanceSendInterval);
        return Task.FromResult(_mailingPacer.Reserve(timeProvider.GetUtcNow()));
    }
}
