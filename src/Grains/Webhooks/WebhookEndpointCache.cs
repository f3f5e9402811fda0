namespace CodeChat.Grains.Webhooks;

/// <summary>
/// A dispatcher's copy of its instance's endpoint row. The dispatcher's grain calls run between the
/// awaits of its delivery loops, so a load may be under way when a <c>webhook/set</c> stores a newer
/// row or a 410 disables it: a load keeps what it read only if nothing changed the endpoint meanwhile;
/// otherwise it answers with the row the set stored, or reads again after a disable. (Without that, a
/// load that began before a re-enabling <c>webhook/set</c> put the disabled row back, and the line
/// waited with no endpoint until the next set.)
/// </summary>
internal sealed class WebhookEndpointCache
{
    private StoredWebhookEndpoint? _endpoint;
    private bool _loaded;
    // Bumped by every change; a load that saw another value read something older than the change.
    private long _version;

    /// <summary>The endpoint, read from the store when not cached; never older than the last change.</summary>
    public async ValueTask<StoredWebhookEndpoint?> GetAsync(
        Func<CancellationToken, Task<StoredWebhookEndpoint?>> load, CancellationToken cancellationToken)
    {
        while (!_loaded)
        {
            var version = _version;
            var read = await load(cancellationToken);
            if (version == _version)
            {
                _endpoint = read;
                _loaded = true;
            }
        }

        return _endpoint;
    }

    /// <summary>The endpoint as just stored.</summary>
    public void Set(StoredWebhookEndpoint? endpoint)
    {
        _version++;
        _endpoint = endpoint;
        _loaded = true;
    }

    /// <summary>The stored endpoint changed in a way only a read shows (e.g. disabled): read it next time.</summary>
    public void Invalidate()
    {
        _version++;
        _endpoint = null;
        _loaded = false;
    }
}
