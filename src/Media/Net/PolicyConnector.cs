using System.Net;
using System.Net.Sockets;

namespace CodeChat.Media.Net;

/// <summary>
/// Resolves a host and opens TCP connections only to the addresses a <see cref="PublicAddressPolicy"/>
/// permits. Used as <see cref="SocketsHttpHandler.ConnectCallback"/>, it checks every connection,
/// redirects included, at the moment it is made: the address checked is the address connected to,
/// so a name that resolves differently the second time (DNS rebinding) cannot slip through.
/// </summary>
public sealed class PolicyConnector(PublicAddressPolicy policy)
{
    private static readonly TimeSpan ResolveTimeout = TimeSpan.FromSeconds(5);

    public PublicAddressPolicy Policy => policy;

    /// <summary>Connects to a permitted address of the request's host, else throws <see cref="AddressRefusedException"/>.</summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var endPoint = context.DnsEndPoint;
        var addresses = await ResolveAsync(endPoint.Host, cancellationToken).ConfigureAwait(false);
        var permitted = addresses.Where(policy.Permits).ToArray();
        if (permitted.Length == 0)
        {
            throw new AddressRefusedException(addresses.Count == 0
                ? $"{endPoint.Host} has no address"
                : $"{endPoint.Host} resolves only to loopback, private, link-local or reserved addresses");
        }

        Exception? last = null;
        foreach (var address in permitted)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, endPoint.Port), cancellationToken).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException exception)
            {
                socket.Dispose();
                last = exception;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw last!;
    }

    /// <summary>The addresses of <paramref name="host"/> (an IP literal is its own address).</summary>
    public static async Task<IReadOnlyList<IPAddress>> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(host);
        if (IPAddress.TryParse(host.Trim('[', ']'), out var literal))
            return [literal];
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ResolveTimeout);
        return await Dns.GetHostAddressesAsync(host, timeout.Token).ConfigureAwait(false);
    }
}
