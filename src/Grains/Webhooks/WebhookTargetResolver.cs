using System.Net;
using System.Net.Sockets;
using CodeChat.Media.Net;

namespace CodeChat.Grains.Webhooks;

/// <summary>
/// Checks a webhook URL when it is set and resolves its host again for every connection, so a name
/// that later resolves to an internal address (DNS rebinding) is refused at send time too.
/// </summary>
public sealed class WebhookTargetResolver(WebhookAddressPolicy policy)
{
    private readonly PolicyConnector _connector = new(policy.Addresses);

    /// <summary>Null when <paramref name="url"/> may be used, else why not (for a 400 naming <c>url</c>).</summary>
    public async Task<string?> CheckUrlAsync(string url, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            return "url must be an absolute http or https URL";
        if (string.IsNullOrEmpty(uri.IdnHost))
            return "url has no host";

        IReadOnlyList<IPAddress> addresses;
        try
        {
            addresses = await ResolveAsync(uri.IdnHost, cancellationToken);
        }
        catch (Exception exception) when (exception is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return $"url host {uri.IdnHost} could not be resolved";
        }

        if (addresses.Count == 0)
            return $"url host {uri.IdnHost} could not be resolved";
        var refused = addresses.FirstOrDefault(address => !policy.Permits(address));
        return refused is null
            ? null
            : $"url resolves to {refused}, a loopback, private, link-local or reserved address that webhooks may not reach";
    }

    /// <summary>
    /// Opens the TCP connection for a webhook POST to a permitted address of the host, never to one the
    /// policy refuses (<see cref="SocketsHttpHandler.ConnectCallback"/>).
    /// </summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        try
        {
            return await _connector.ConnectAsync(context, cancellationToken);
        }
        catch (AddressRefusedException refused)
        {
            throw new WebhookTargetRefusedException(refused.Message);
        }
    }

    private static Task<IReadOnlyList<IPAddress>> ResolveAsync(string host, CancellationToken cancellationToken) =>
        PolicyConnector.ResolveAsync(host, cancellationToken);
}

/// <summary>The webhook's host resolved only to addresses the policy refuses.</summary>
public sealed class WebhookTargetRefusedException(string message) : IOException(message);
