using CodeChat.WhatsApp.Media;

namespace CodeChat.WhatsApp.Client;

// Concern: the media connection (whatsmeow's mediaconn.go): which hosts take uploads and the auth
// token they want. The transfers themselves are in Media/MediaTransfer.cs.
public sealed partial class WaClient
{
    private MediaConnection? _mediaConnection;

    /// <summary>
    /// The media hosts and upload token, asked with <c>&lt;iq xmlns="w:m" type="set"&gt;&lt;media_conn/&gt;</c>
    /// and kept until its ttl runs out (whatsapp-protocol.md §8.2 step 1); <paramref name="refresh"/>
    /// asks again, e.g. after a host refused the token.
    /// </summary>
    public async Task<MediaConnection> GetMediaConnectionAsync(bool refresh = false, CancellationToken cancellationToken = default)
    {
        var cached = Volatile.Read(ref _mediaConnection);
        if (!refresh && cached is not null && cached.IsFreshAt(_time.GetUtcNow()))
            return cached;
        var answer = await SendIqAsync(ClientNodes.MediaConnectionRequest(), cancellationToken).ConfigureAwait(false);
        var connection = MediaConnection.FromResult(answer, _time.GetUtcNow());
        Volatile.Write(ref _mediaConnection, connection);
        return connection;
    }
}
