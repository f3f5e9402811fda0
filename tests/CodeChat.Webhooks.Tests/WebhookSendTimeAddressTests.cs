using CodeChat.Grains.Abstractions.Events;
using CodeChat.Grains.Abstractions.Webhooks;
using CodeChat.Grains.Webhooks;
using CodeChat.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CodeChat.Webhooks.Tests;

/// <summary>
/// The address check at send time (DNS rebinding): a webhook host is resolved again for every
/// connection of the pooled client, and an address the policy refuses gets no connection even though
/// the URL passed when it was set. Here "localhost" stands for a name that now resolves to loopback.
/// </summary>
public sealed class WebhookSendTimeAddressTests
{
    private static ServiceProvider Webhooks(params string[] allowedNetworks)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(
            allowedNetworks.Select((network, i) => new KeyValuePair<string, string?>($"Webhooks:AllowedNetworks:{i}", network))).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton(TimeProvider.System).AddSingleton<IConfiguration>(configuration);
        services.AddCodeChatWebhooks();
        return services.BuildServiceProvider();
    }

    private static Task<WebhookDeliveryResponse> SendAsync(ServiceProvider webhooks, string url)
    {
        var record = new InstanceEventRecord(Guid.NewGuid(), "rebound", 1, 1, null, InstanceEventNames.ConnectionUpdate, "{}", DateTimeOffset.UtcNow);
        var target = new WebhookTarget(WebhookEndpoints.Instance, url, WebhookEventSelection.Everything, ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"], 1);
        return webhooks.GetRequiredService<WebhookSender>().SendAsync(target, record, WebhookEnvelope.Serialize(record), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task A_host_resolving_to_a_refused_address_at_send_time_gets_no_connection()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var url = new UriBuilder(receiver.Url("rebound")) { Host = "localhost" }.Uri.ToString();

        await using (var strict = Webhooks())
        {
            var refused = await SendAsync(strict, url);
            Assert.Null(refused.StatusCode);
            Assert.Contains("localhost resolves only to loopback", refused.Error);
        }
        Assert.Empty(receiver.Received);

        // The same POST with loopback allowed arrives: the policy, nothing else, stopped the first.
        await using var lenient = Webhooks("127.0.0.0/8", "::1/128");
        Assert.Equal(200, (await SendAsync(lenient, url)).StatusCode);
        Assert.Single(receiver.Received);
    }
}
