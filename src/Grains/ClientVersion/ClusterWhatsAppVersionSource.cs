using CodeChat.Grains.Abstractions.ClientVersion;
using CodeChat.Grains.Sessions;
using CodeChat.WhatsApp.Client;
using Microsoft.Extensions.Options;

namespace CodeChat.Grains.ClientVersion;

/// <summary>
/// The version source every instance's client uses: the stored cluster-wide value (read from PostgreSQL for
/// each connection attempt, one read shared for two seconds, so a change reaches every silo without a
/// restart) with configuration and the compiled-in default behind it; after a 405 it asks
/// <see cref="IWhatsAppVersionGrain"/> for a replacement.
/// </summary>
public sealed class ClusterWhatsAppVersionSource(
    PostgresClientVersionStore store,
    IGrainFactory grains,
    IOptions<WhatsAppOptions> options) : IWhatsAppWebVersionSource
{
    private readonly WhatsAppWebVersion? _configured = WhatsAppVersionSettings.From(options.Value).Configured;

    public async ValueTask<WhatsAppWebVersion> GetCurrentAsync(CancellationToken cancellationToken) =>
        ClientVersionPrecedence.Resolve(await store.GetAsync(cancellationToken), _configured).Version;

    public async ValueTask<WhatsAppWebVersion?> FindReplacementAsync(WhatsAppWebVersion rejected, CancellationToken cancellationToken)
    {
        var replacement = await grains.GetGrain<IWhatsAppVersionGrain>(0).FindReplacementAsync(rejected.ToString(), cancellationToken);
        return WhatsAppWebVersion.TryParse(replacement, out var version) ? version : null;
    }
}
