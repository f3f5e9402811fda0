using CodeChat.Grains.Abstractions.Instances;
using CodeChat.Grains.Abstractions.Media;
using CodeChat.Grains.Media;
using CodeChat.WhatsApp.Client;
using Microsoft.Extensions.Logging;

namespace CodeChat.Grains.Instances;

// Concern: what a media send asks of the instance besides the send (IInstanceMediaGrain): its media
// upload access and its send.message progress events. The file itself never comes here.
public sealed partial class InstanceGrain : IInstanceMediaGrain
{
    public async Task<MediaUploadAccessResult> GetMediaUploadAccessAsync(bool refresh, CancellationToken cancellationToken = default)
    {
        if (!state.State.Exists)
            return new MediaUploadAccessResult(MediaUploadAccessOutcome.NotFound);
        var session = _session;
        if (session is null || state.State.ActualConnectionState != InstanceConnectionState.Open)
            return new MediaUploadAccessResult(MediaUploadAccessOutcome.NotConnected);
        try
        {
            var connection = await session.Client.GetMediaConnectionAsync(refresh, cancellationToken);
            return new MediaUploadAccessResult(MediaUploadAccessOutcome.Granted,
                new MediaUploadAccess(connection.Auth, [.. connection.Hosts], connection.Ttl, connection.FetchedAt));
        }
        catch (Exception exception) when (exception is WaClientException or TimeoutException or FormatException or InvalidOperationException)
        {
            LogMediaConnectionFailed(Name, exception);
            return new MediaUploadAccessResult(MediaUploadAccessOutcome.Unavailable);
        }
    }

    public async Task RecordSendProgressAsync(MediaSendProgress progress, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(progress);
        if (!state.State.Exists)
            return;
        await AppendAsync(MediaSendEventPayloads.Draft(Name, state.State.Id, state.State.OwnerJid, progress), cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Instance {InstanceName}: WhatsApp's media connection could not be fetched for an upload")]
    private partial void LogMediaConnectionFailed(string instanceName, Exception exception);
}
