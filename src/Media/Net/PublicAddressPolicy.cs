using System.Net;
using System.Net.Sockets;

namespace CodeChat.Media.Net;

/// <summary>
/// Which IP addresses the gateway may connect to on a caller's behalf (webhook deliveries, media and
/// link-preview fetches). Loopback, private (RFC 1918, unique-local), carrier-grade NAT, link-local
/// (cloud metadata services live at 169.254.169.254 and fd00:ec2::254), multicast, documentation and
/// other special-purpose ranges (IANA special-purpose registries) are refused unless a configured
/// network contains the address. IPv6 forms that embed an IPv4 address (mapped, NAT64, 6to4) are
/// judged by the embedded address.
/// </summary>
public sealed class PublicAddressPolicy
{
    private static readonly IPNetwork[] Refused =
    [
        IPNetwork.Parse("0.0.0.0/8"),
        IPNetwork.Parse("10.0.0.0/8"),
        IPNetwork.Parse("100.64.0.0/10"),
        IPNetwork.Parse("127.0.0.0/8"),
        IPNetwork.Parse("169.254.0.0/16"),
        IPNetwork.Parse("172.16.0.0/12"),
        IPNetwork.Parse("192.0.0.0/24"),
        IPNetwork.Parse("192.0.2.0/24"),
        IPNetwork.Parse("192.88.99.0/24"),
        IPNetwork.Parse("192.168.0.0/16"),
        IPNetwork.Parse("198.18.0.0/15"),
        IPNetwork.Parse("198.51.100.0/24"),
        IPNetwork.Parse("203.0.113.0/24"),
        IPNetwork.Parse("224.0.0.0/4"),
        IPNetwork.Parse("240.0.0.0/4"),
        IPNetwork.Parse("::/128"),
        IPNetwork.Parse("::1/128"),
        IPNetwork.Parse("100::/64"),
        IPNetwork.Parse("2001::/32"),
        IPNetwork.Parse("2001:db8::/32"),
        IPNetwork.Parse("fc00::/7"),
        IPNetwork.Parse("fe80::/10"),
        IPNetwork.Parse("fec0::/10"),
        IPNetwork.Parse("ff00::/8"),
    ];

    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");
    private static readonly IPNetwork SixToFour = IPNetwork.Parse("2002::/16");

    private readonly IPNetwork[] _allowed;

    /// <param name="allowedNetworks">CIDR networks or single addresses permitted despite the ranges above.</param>
    /// <param name="settingName">The configuration key they came from, named when one does not parse.</param>
    public PublicAddressPolicy(IEnumerable<string> allowedNetworks, string settingName)
    {
        ArgumentNullException.ThrowIfNull(allowedNetworks);
        _allowed = [.. allowedNetworks.Select(text => ParseNetwork(text, settingName))];
    }

    /// <summary>True when the gateway may connect to <paramref name="address"/>.</summary>
    public bool Permits(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4();
        if (_allowed.Any(network => Contains(network, address)))
            return true;

        var judged = Embedded(address) ?? address;
        if (!ReferenceEquals(judged, address) && _allowed.Any(network => Contains(network, judged)))
            return true;
        return !Refused.Any(network => Contains(network, judged)) && !Refused.Any(network => Contains(network, address));
    }

    /// <summary>The IPv4 address inside a NAT64 or 6to4 IPv6 address, else null.</summary>
    private static IPAddress? Embedded(IPAddress address)
    {
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
            return null;
        var bytes = address.GetAddressBytes();
        if (Nat64.Contains(address))
            return new IPAddress(bytes.AsSpan(12, 4));
        if (SixToFour.Contains(address))
            return new IPAddress(bytes.AsSpan(2, 4));
        return null;
    }

    private static bool Contains(IPNetwork network, IPAddress address) =>
        network.BaseAddress.AddressFamily == address.AddressFamily && network.Contains(address);

    private static IPNetwork ParseNetwork(string text, string settingName)
    {
        var trimmed = text.Trim();
        if (IPNetwork.TryParse(trimmed, out var network))
            return network;
        if (IPAddress.TryParse(trimmed, out var single))
            return new IPNetwork(single, single.AddressFamily == AddressFamily.InterNetwork ? 32 : 128);
        throw new InvalidOperationException($"{settingName} entry '{text}' is not a CIDR network or an IP address.");
    }
}
