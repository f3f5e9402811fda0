using CodeChat.Grains.Abstractions.Webhooks;
using CodeChat.Grains.Webhooks;

namespace CodeChat.Session.Tests;

/// <summary>
/// The dispatcher's endpoint copy (<see cref="WebhookEndpointCache"/>) when a read from the store is
/// still under way as the endpoint changes: the change wins, whichever finishes last.
/// </summary>
public sealed class WebhookEndpointCacheTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static StoredWebhookEndpoint Endpoint(bool enabled, string? disabledReason = null) => new(
        new WebhookEndpointView
        {
            Id = 1,
            Url = "https://hooks.example.com/in",
            Enabled = enabled,
            Events = WebhookEventSelection.Everything,
            InstanceId = 7,
            CreatedAt = DateTimeOffset.UnixEpoch,
            UpdatedAt = DateTimeOffset.UnixEpoch,
            DisabledReason = disabledReason,
        },
        "whsec_current", null, null);

    /// <summary>
    /// A store whose reads answer only when the test says so, in the order they were made. Answers run
    /// the waiting cache on the spot (the tests run off any synchronization context), so a read the
    /// answer causes has been made when <see cref="Answer"/> returns.
    /// </summary>
    private sealed class ControlledStore
    {
        private readonly Queue<TaskCompletionSource<StoredWebhookEndpoint?>> _pending = new();

        public int Reads { get; private set; }

        public Task<StoredWebhookEndpoint?> LoadAsync(CancellationToken cancellationToken)
        {
            Reads++;
            var read = new TaskCompletionSource<StoredWebhookEndpoint?>();
            _pending.Enqueue(read);
            return read.Task;
        }

        public void Answer(StoredWebhookEndpoint? row) => _pending.Dequeue().SetResult(row);
    }

    [Fact]
    public Task A_read_that_began_before_a_webhook_set_does_not_put_the_older_row_back() => Task.Run(async () =>
    {
        var cache = new WebhookEndpointCache();
        var store = new ControlledStore();
        var disabled = Endpoint(enabled: true, disabledReason: "The receiver answered 410 Gone");
        var reenabled = Endpoint(enabled: true);

        var loading = cache.GetAsync(store.LoadAsync, None).AsTask();
        cache.Set(reenabled); // webhook/set stored the endpoint while the read was under way
        store.Answer(disabled); // the read saw the row from before the set

        Assert.Same(reenabled, await loading);
        Assert.Same(reenabled, await cache.GetAsync(store.LoadAsync, None));
        Assert.Equal(1, store.Reads); // the set brought the row: nothing to read again
    }, TestContext.Current.CancellationToken);

    [Fact]
    public Task A_read_that_began_before_a_disable_reads_again_and_sees_it() => Task.Run(async () =>
    {
        var cache = new WebhookEndpointCache();
        var store = new ControlledStore();
        var active = Endpoint(enabled: true);
        var disabled = Endpoint(enabled: true, disabledReason: "The receiver answered 410 Gone");

        var loading = cache.GetAsync(store.LoadAsync, None).AsTask();
        cache.Invalidate(); // a 410 disabled the endpoint in the store meanwhile
        store.Answer(active);
        Assert.Equal(2, store.Reads);
        store.Answer(disabled);

        Assert.False((await loading)!.IsActive);
    }, TestContext.Current.CancellationToken);

    [Fact]
    public Task An_undisturbed_read_is_kept_and_not_repeated() => Task.Run(async () =>
    {
        var cache = new WebhookEndpointCache();
        var store = new ControlledStore();
        var active = Endpoint(enabled: true);

        var loading = cache.GetAsync(store.LoadAsync, None).AsTask();
        store.Answer(active);
        Assert.Same(active, await loading);
        Assert.Same(active, await cache.GetAsync(store.LoadAsync, None));
        Assert.Equal(1, store.Reads);
    }, TestContext.Current.CancellationToken);
}
