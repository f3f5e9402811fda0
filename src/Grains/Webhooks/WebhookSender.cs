using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using CodeChat.Grains.Abstractions.Events;
using Polly.Timeout;

namespace CodeChat.Grains.Webhooks;

/// <summary>
/// One signed POST of one event to one endpoint, through the pooled client
/// (<see cref="WebhooksServiceCollectionExtensions"/>): redirects are not followed, every connection
/// goes to a permitted address, and the attempt times out after <see cref="WebhookOptions.Timeout"/>.
/// Never throws for what the receiver or the network did; the answer says what happened.
/// </summary>
public sealed class WebhookSender(IHttpClientFactory clients, TimeProvider timeProvider)
{
    public const string ClientName = "CodeChat.Webhooks";
    public const string ResourceOwnerHeader = "Resource-Owner";

    public async Task<WebhookDeliveryResponse> SendAsync(
        WebhookTarget target, InstanceEventRecord record, byte[] body, CancellationToken cancellationToken)
    {
        var messageId = record.Id.ToString();
        var timestamp = timeProvider.GetUtcNow();
        using var request = new HttpRequestMessage(HttpMethod.Post, target.Url)
        {
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation("webhook-id", messageId);
        request.Headers.TryAddWithoutValidation("webhook-timestamp", timestamp.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation("webhook-signature",
            WebhookSigner.Sign(target.Secrets, messageId, timestamp, Encoding.UTF8.GetString(body)));
        if (record.OwnerJid is { Length: > 0 } owner)
            request.Headers.TryAddWithoutValidation(ResourceOwnerHeader, owner);

        var clock = Stopwatch.StartNew();
        try
        {
            using var response = await clients.CreateClient(ClientName)
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            return new WebhookDeliveryResponse((int)response.StatusCode, null, RetryAfter(response), clock.Elapsed);
        }
        catch (TimeoutRejectedException)
        {
            return Failed("timed out", clock);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Failed("timed out", clock);
        }
        catch (HttpRequestException exception)
        {
            return Failed(Describe(exception), clock);
        }
        catch (WebhookTargetRefusedException exception)
        {
            return Failed(exception.Message, clock);
        }
    }

    private static WebhookDeliveryResponse Failed(string error, Stopwatch clock) => new(null, error, null, clock.Elapsed);

    /// <summary>The innermost useful message (socket error, refused target), without the URL.</summary>
    private static string Describe(HttpRequestException exception)
    {
        Exception current = exception;
        while (current.InnerException is not null)
            current = current.InnerException;
        return current is WebhookTargetRefusedException
            ? current.Message
            : exception.HttpRequestError == HttpRequestError.Unknown ? current.Message : $"{exception.HttpRequestError}: {current.Message}";
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
            return delta;
        if (header?.Date is { } date)
        {
            var wait = date - timeProvider.GetUtcNow();
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }
}
