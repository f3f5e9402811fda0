using System.Net;
using CodeChat.Media.Net;
using Microsoft.Extensions.Options;

namespace CodeChat.Grains.Webhooks;

/// <summary>
/// Which IP addresses a webhook may be delivered to: the gateway's <see cref="PublicAddressPolicy"/>
/// (no loopback, private, link-local, multicast or reserved targets) with the networks of
/// <see cref="WebhookOptions.AllowedNetworks"/> let through.
/// </summary>
public sealed class WebhookAddressPolicy
{
    public WebhookAddressPolicy(IOptions<WebhookOptions> options)
        : this(options.Value.AllowedNetworks)
    {
    }

    public WebhookAddressPolicy(IEnumerable<string> allowedNetworks)
    {
        Addresses = new PublicAddressPolicy(allowedNetworks, "Webhooks:AllowedNetworks");
    }

    /// <summary>The address rules themselves.</summary>
    public PublicAddressPolicy Addresses { get; }

    /// <summary>True when a webhook may connect to <paramref name="address"/>.</summary>
    public bool Permits(IPAddress address) => Addresses.Permits(address);
}
