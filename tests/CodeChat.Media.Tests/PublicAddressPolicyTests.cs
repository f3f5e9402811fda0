using System.Net;
using CodeChat.Media.Net;

namespace CodeChat.Media.Tests;

public sealed class PublicAddressPolicyTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.255.255.254")]
    [InlineData("::1")]
    [InlineData("10.0.0.1")]
    [InlineData("10.255.255.255")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.0.1")]
    [InlineData("192.168.255.255")]
    [InlineData("169.254.169.254")]
    [InlineData("100.64.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("224.0.0.1")]
    [InlineData("239.255.255.250")]
    [InlineData("255.255.255.255")]
    [InlineData("fc00::1")]
    [InlineData("fd00:ec2::254")]
    [InlineData("fe80::1")]
    [InlineData("febf:ffff::1")]
    [InlineData("fec0::1")]
    [InlineData("ff02::1")]
    [InlineData("::")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::ffff:10.1.2.3")]
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("64:ff9b::a00:1")]
    [InlineData("2002:c0a8:101::1")]
    public void Refuses_internal_and_reserved_addresses(string address)
    {
        var policy = new PublicAddressPolicy([], "Media:AllowedNetworks");
        Assert.False(policy.Permits(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("172.15.255.255")]
    [InlineData("172.32.0.1")]
    [InlineData("192.169.0.1")]
    [InlineData("11.0.0.1")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("::ffff:8.8.8.8")]
    public void Permits_public_addresses(string address)
    {
        var policy = new PublicAddressPolicy([], "Media:AllowedNetworks");
        Assert.True(policy.Permits(IPAddress.Parse(address)));
    }

    [Fact]
    public void An_allowed_network_lets_its_addresses_through_and_only_those()
    {
        var policy = new PublicAddressPolicy(["127.0.0.1", "10.1.0.0/16", "fd12::/16"], "Media:AllowedNetworks");
        Assert.True(policy.Permits(IPAddress.Parse("127.0.0.1")));
        Assert.True(policy.Permits(IPAddress.Parse("::ffff:127.0.0.1")));
        Assert.False(policy.Permits(IPAddress.Parse("127.0.0.2")));
        Assert.True(policy.Permits(IPAddress.Parse("10.1.200.3")));
        Assert.False(policy.Permits(IPAddress.Parse("10.2.0.1")));
        Assert.True(policy.Permits(IPAddress.Parse("fd12::5")));
        Assert.False(policy.Permits(IPAddress.Parse("fd13::5")));
    }

    [Fact]
    public void A_malformed_allowed_network_names_its_setting()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new PublicAddressPolicy(["10.0.0.0/33x"], "Media:AllowedNetworks"));
        Assert.Contains("Media:AllowedNetworks", error.Message, StringComparison.Ordinal);
    }
}
