using CodeChat.Grains.Abstractions.Chats;
using CodeChat.Grains.Messages;
using CodeChat.WhatsApp.Media;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WaMessage = CodeChat.WhatsApp.Proto.Message;

namespace CodeChat.Grains.Instances;

/// <summary>
/// Received media: inlined as base64 into <c>new.message</c> when small enough, and downloaded on
/// demand for <c>/chat/mediaData</c> and <c>/chat/retrieverMediaMessage</c>.
/// </summary>
public sealed partial class InstanceGrain : IInstanceChatGrain
{
    private MessagingReceiveOptions ReceiveOptions => ServiceProvider.GetRequiredService<IOptions<MessagingReceiveOptions>>().Value;

    /// <summary>
    /// The public download link of a received attachment (<c>/chat/public/{type}/download?q=</c>, a sealed
    /// token naming this instance's stored message, valid <see cref="MessagingReceiveOptions.PublicMediaLinkLifetime"/>), or null.
    /// </summary>
    /// <summary>
    /// The base64 of a received attachment of at most <see cref="MessagingReceiveOptions.InlineMediaMaxBytes"/>,
    /// or null (no attachment, too large, or not fetched in time).
    /// </summary>
    /// <remarks>
    /// Downloaded BEFORE the delivery receipt, bounded by <see cref="MessagingReceiveOptions.InlineMediaTimeout"/>:
    /// <c>new.message</c> is written once (its id is fixed per stored message, so a redelivery finds it)
    /// and CodeChat consumers expect the base64 in that very event, so downloading after the receipt
    /// would need a second event or a mutable outbox row. The receipt waits at most the timeout (well
    /// inside the hook's own limit); a slow or failing media host costs the base64, never the message,
    /// which the on-demand routes can still fetch.
    /// </remarks>
    private string? PublicMediaPath(WaMessage message, SavedMessage saved)
    {
        if (MediaContent.Find(message) is not { IsDownloadable: true } media)
            return null;
        var token = ServiceProvider.GetRequiredService<CodeChat.Secrets.PublicMediaLinks>()
            .Create(Name, saved.Message.Id, timeProvider.GetUtcNow() + ReceiveOptions.PublicMediaLinkLifetime);
        return PublicMediaPaths.For(media.Type, token);
    }

    private async Task<string?> InlineMediaAsync(WaMessage message, SavedMessage saved, CancellationToken cancellationToken)
    {
        if (MediaContent.Find(message) is not { IsDownloadable: true } media)
            return null;
        var options = ReceiveOptions;
        if (media.FileLength > (ulong)options.InlineMediaMaxBytes)
            return null;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.InlineMediaTimeout);
        var download = await DownloadAsync(media, options.InlineMediaMaxBytes, timeout.Token);
        if (download.Bytes is null)
        {
            LogInlineMediaSkipped(Name, saved.Message.Key.Id, download.Outcome, download.Error);
            return null;
        }
        return Convert.ToBase64String(download.Bytes);
    }

    public async Task<MediaDownload> DownloadMediaAsync(StoredMessageSelector selector, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(selector);
        if (!state.State.Exists)
            return new MediaDownload(MediaDownloadOutcome.InstanceNotFound);
        var stored = selector.Id is { } id
            ? await messages.FindAsync(Name, id, cancellationToken)
            : selector.KeyId is { } keyId ? await messages.FindByMessageIdAsync(Name, keyId, selector.RemoteJid, cancellationToken) : null;
        if (stored is null)
            return new MediaDownload(MediaDownloadOutcome.MessageNotFound);
        if (MediaContent.FromStoredJson(stored.ContentJson) is not { IsDownloadable: true } media)
            return new MediaDownload(MediaDownloadOutcome.NotMedia, stored.MessageType);
        var download = await DownloadAsync(media, ReceiveOptions.MediaDownloadMaxBytes, cancellationToken);
        return download with
        {
            MessageType = media.MessageType,
            FileName = media.FileName,
            Mimetype = media.Mimetype,
            Caption = media.Caption,
            FileLength = (long)media.FileLength,
            Height = media.Height,
            Width = media.Width,
        };
    }

    private async Task<MediaDownload> DownloadAsync(MediaContent media, long maxBytes, CancellationToken cancellationToken)
    {
        if (_session is not { } session)
            return new MediaDownload(MediaDownloadOutcome.NotConnected);
        if (media.FileLength > (ulong)maxBytes)
            return new MediaDownload(MediaDownloadOutcome.TooLarge, Error: $"The media is {media.FileLength} bytes, over the limit of {maxBytes}.");
        var http = ServiceProvider.GetRequiredService<IHttpClientFactory>().CreateClient(MessagingReceiveOptions.MediaHttpClientName);
        var transfer = new MediaTransfer(http, (refresh, token) => session.Client.GetMediaConnectionAsync(refresh, token));
        using var buffer = new MemoryStream();
        try
        {
            await transfer.DownloadAsync(media.DirectPath, media.Url, media.MediaKey.Memory, media.Type,
                media.FileEncSha256.Memory, media.FileSha256.Memory, buffer, maxBytes, cancellationToken);
        }
        catch (MediaTransferException exception)
        {
            var outcome = exception.MediaExpired ? MediaDownloadOutcome.Expired
                : exception.StatusCode == 413 ? MediaDownloadOutcome.TooLarge
                : MediaDownloadOutcome.Failed;
            return new MediaDownload(outcome, Error: exception.Message);
        }
        catch (Exception exception) when (exception is OperationCanceledException or TimeoutException or WhatsApp.Client.WaClientException or System.Security.Cryptography.CryptographicException)
        {
            // Not connected (no media_conn), timed out, or a body that failed its hash or MAC.
            return new MediaDownload(MediaDownloadOutcome.Failed, Error: exception.GetType().Name);
        }
        return new MediaDownload(MediaDownloadOutcome.Succeeded, Bytes: buffer.ToArray());
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Instance {InstanceName}: media of message {MessageId} not inlined ({Outcome}: {Error})")]
    private partial void LogInlineMediaSkipped(string instanceName, string messageId, MediaDownloadOutcome outcome, string? error);
}
