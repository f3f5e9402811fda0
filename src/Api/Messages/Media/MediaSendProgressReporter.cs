using CodeChat.Grains.Abstractions.Media;

namespace CodeChat.Api.Messages.Media;

/// <summary>
/// The <c>send.message</c> events of one media send (api-contract.md §6): nothing while the send is
/// quick; once it has run <see cref="MediaOptions.ProgressEventsAfter"/>, START and then PROCESSING at
/// each step (fetched, prepared, uploaded, sent), ending in COMPLETED or ERROR. A send that ends before
/// the threshold raises none, so a burst of small images does not double the webhook traffic.
/// </summary>
internal sealed class MediaSendProgressReporter(IInstanceMediaGrain grain, string number, TimeSpan threshold, TimeProvider time)
{
    private readonly long _startedAt = time.GetTimestamp();
    private bool _started;

    /// <summary>The send's id, <c>queueId</c> in the events.</summary>
    public string SendId { get; } = Ulid.NewUlid().ToString();

    public async Task ProcessingAsync(int percent, CancellationToken cancellationToken)
    {
        if (!await StartedAsync(cancellationToken))
            return;
        await RecordAsync(new MediaSendProgress(SendId, MediaSendStage.Processing, percent, number) { At = time.GetUtcNow() }, cancellationToken);
    }

    public async Task CompletedAsync(string jid, string messageId, string messageType, CancellationToken cancellationToken)
    {
        if (!await StartedAsync(cancellationToken))
            return;
        await RecordAsync(new MediaSendProgress(SendId, MediaSendStage.Completed, 100, number)
        {
            Jid = jid, MessageId = messageId, MessageType = messageType, At = time.GetUtcNow(),
        }, cancellationToken);
    }

    public async Task FailedAsync(int status, string error, CancellationToken cancellationToken)
    {
        if (!_started)
            return;
        await RecordAsync(new MediaSendProgress(SendId, MediaSendStage.Error, 0, number) { Status = status, Error = error, At = time.GetUtcNow() }, cancellationToken);
    }

    private async Task<bool> StartedAsync(CancellationToken cancellationToken)
    {
        if (_started)
            return true;
        if (time.GetElapsedTime(_startedAt) < threshold)
            return false;
        _started = true;
        await RecordAsync(new MediaSendProgress(SendId, MediaSendStage.Start, 0, number) { At = time.GetUtcNow() }, cancellationToken);
        return true;
    }

    private Task RecordAsync(MediaSendProgress progress, CancellationToken cancellationToken) =>
        grain.RecordSendProgressAsync(progress, cancellationToken);
}
