using Microsoft.Extensions.Logging;

namespace CodeChat.WhatsApp.Client;

// Concern: keepalive (whatsapp-protocol.md §5.1; whatsmeow's keepalive.go): ping at a jittered
// interval and replace a connection that has been silent for too long.
public sealed partial class WaClient
{
    private async Task KeepaliveLoopAsync(WaClientSession session)
    {
        var lastAlive = _time.GetUtcNow();
        var token = session.Token;
        try
        {
            while (!token.IsCancellationRequested)
            {
                var spread = _options.KeepaliveIntervalMax - _options.KeepaliveIntervalMin;
                var interval = _options.KeepaliveIntervalMin + spread * Random.Shared.NextDouble();
                await Task.Delay(interval, _time, token).ConfigureAwait(false);
                try
                {
                    await SendIqAsync(ClientNodes.KeepalivePing(), _options.KeepaliveResponseTimeout, token).ConfigureAwait(false);
                    lastAlive = _time.GetUtcNow();
                }
                catch (WaIqException)
                {
                    // An error answer still proves the connection works.
                    lastAlive = _time.GetUtcNow();
                }
                catch (TimeoutException)
                {
                    if (session.LastReceived > lastAlive)
                    {
                        lastAlive = session.LastReceived;
                    }
                    var silence = _time.GetUtcNow() - lastAlive;
                    Log.KeepaliveMissed(_logger, silence);
                    if (silence >= _options.KeepaliveDeadAfter)
                    {
                        session.End(new SessionEnd(DisconnectReason.KeepaliveTimeout, null, Reconnect: true, Immediately: true));
                        return;
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The connection ended.
        }
        catch (WaClientException)
        {
            // The connection dropped mid-ping; the session end handles it.
        }
    }

    private static partial class Log
    {
        [LoggerMessage(20, LogLevel.Warning, "Keepalive ping unanswered; silent for {Silence}")]
        public static partial void KeepaliveMissed(ILogger logger, TimeSpan silence);
    }
}
