using CodeChat.Api.Errors;
using CodeChat.Grains.Abstractions.Media;
using CodeChat.Grains.Abstractions.Messages;
using CodeChat.Media;
using CodeChat.Media.Preparation;
using CodeChat.Media.Sources;
using CodeChat.WhatsApp.Crypto;
using CodeChat.WhatsApp.Media;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CodeChat.Api.Messages.Media;

/// <summary>
/// One media send, end to end, on the API host: the instance must be open and the recipient on
/// WhatsApp before any byte is fetched (a mailing's numbers are checked as a text mailing's are); then the caller's media is read into a temporary file,
/// prepared (<see cref="MediaPreparer"/>), encrypted and uploaded to WhatsApp's media hosts with the
/// instance's upload access, and the media message handed to the instance's send pipeline, which
/// answers as every send route does (201 / 202). Bad media → 400 naming the field, too large → 413;
/// <c>send.message</c> events follow a long send (<see cref="MediaSendProgressReporter"/>).
/// </summary>
public sealed partial class MediaMessageSender(
    IGrainFactory grains,
    MediaPreparer preparer,
    IHttpClientFactory httpClients,
    IOptions<MediaOptions> options,
    TimeProvider time,
    ILogger<MediaMessageSender> logger)
{
    /// <summary>The HttpClient name of uploads to WhatsApp's media hosts.</summary>
    public const string UploadClientName = "whatsapp-media";

    /// <summary>
    /// Sends the media <paramref name="readSource"/> gives (called only once the instance and the
    /// recipient were checked) as <paramref name="request"/> describes, with <paramref name="sendOptions"/>.
    /// A mailing uploads the media once and starts a send queue of that one message
    /// (<see cref="SendQueueEndpoints.StartAsync"/>): WhatsApp lets every recipient fetch the same upload.
    /// </summary>
    public async Task<IResult> SendAsync(
        string instanceName, MediaRecipients recipients, MediaRequest request, SendOptions sendOptions,
        Func<CancellationToken, Task<MediaSource>> readSource, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(recipients);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(readSource);
        var mediaGrain = grains.GetGrain<IInstanceMediaGrain>(instanceName);
        var access = await mediaGrain.GetMediaUploadAccessAsync(false, cancellationToken);
        switch (access.Outcome)
        {
            case MediaUploadAccessOutcome.NotFound:
                return ApiErrors.InstanceNotFound();
            case MediaUploadAccessOutcome.NotConnected:
                return ApiErrors.Of(StatusCodes.Status400BadRequest, $"The \"{instanceName}\" instance does not exist or is not connected");
            case MediaUploadAccessOutcome.Unavailable:
                return ApiErrors.Of(StatusCodes.Status400BadRequest, "WhatsApp's media service did not answer; try again");
        }

        if (recipients.Numbers is { } mailing
            && (SendQueueEndpoints.RefusedOptions(sendOptions) ?? await SendQueueEndpoints.RefusedSizeAsync(instanceName, mailing.Count, grains)) is { } refused)
            return refused;
        if (recipients.Number is { } number)
        {
            // As every send: a number without WhatsApp is a 400 before anything is fetched or uploaded.
            var check = await grains.GetGrain<IInstanceMessagingGrain>(instanceName).CheckNumbersAsync([number], cancellationToken);
            if (check.Outcome == NumberCheckOutcome.Checked && check.Numbers is [{ Exists: false } missing])
                return ApiErrors.Of(StatusCodes.Status400BadRequest, new NumberCheckResponse(false, missing.Jid, null, null));
        }
        if (StatusPostOptions.IsStatus(recipients.Number) && sendOptions.StatusJidList.Count > 0)
        {
            // A status post's audience likewise (the send checks it again; a rate-limited check is left to it).
            var audience = await grains.GetGrain<IInstanceMessagingGrain>(instanceName).CheckNumbersAsync(sendOptions.StatusJidList, cancellationToken);
            if (audience.Outcome == NumberCheckOutcome.Checked && audience.Numbers.Where(n => !n.Exists).ToList() is { Count: > 0 } unknown)
                return ApiErrors.Of(StatusCodes.Status400BadRequest, [.. unknown.Select(n => (object)new NumberCheckResponse(false, n.Jid, null, null))]);
        }

        // A mailing reports through its queue's own send.message events, which start once the upload is done.
        var progress = recipients.Number is { } single
            ? new MediaSendProgressReporter(mediaGrain, single, options.Value.ProgressEventsAfter, time)
            : null;
        try
        {
            await using var source = await readSource(cancellationToken);
            await ReportAsync(progress, 25, cancellationToken);
            await using var prepared = await preparer.PrepareAsync(source, request, cancellationToken);
            await ReportAsync(progress, 50, cancellationToken);
            var uploaded = await UploadAsync(mediaGrain, access.Access!, prepared, request.Kind, cancellationToken);
            await ReportAsync(progress, 75, cancellationToken);

            var message = MediaMessageBuilder.Build(uploaded, prepared.Details, time.GetUtcNow());
            if (recipients.Numbers is { } numbers)
                return await SendQueueEndpoints.StartAsync(instanceName, numbers, message, sendOptions, grains, cancellationToken);
            var (result, answer) = await MessageEndpoints.SendBuiltAsync(instanceName, recipients.Number!, message, sendOptions, grains, cancellationToken);
            if (progress is null)
                return answer;
            if (result is { Outcome: SendOutcome.Sent or SendOutcome.Accepted, Message: { } sent })
                await progress.CompletedAsync(sent.KeyRemoteJid, sent.KeyId, sent.MessageType, cancellationToken);
            else
                await progress.FailedAsync(StatusCodes.Status400BadRequest, result?.Detail ?? result?.Outcome.ToString() ?? "not sent", cancellationToken);
            return answer;
        }
        catch (MediaTooLargeException tooLarge)
        {
            await FailAsync(progress, StatusCodes.Status413PayloadTooLarge, tooLarge.Message, cancellationToken);
            return ApiErrors.Of(StatusCodes.Status413PayloadTooLarge, new ValidationFailure(tooLarge.Field, tooLarge.Message));
        }
        catch (MediaInputException invalid)
        {
            await FailAsync(progress, StatusCodes.Status400BadRequest, invalid.Message, cancellationToken);
            return ApiErrors.Invalid(new ValidationFailure(invalid.Field, invalid.Message));
        }
        catch (MediaTransferException failed)
        {
            LogUploadFailed(instanceName, failed);
            await FailAsync(progress, StatusCodes.Status400BadRequest, failed.Message, cancellationToken);
            return ApiErrors.Of(StatusCodes.Status400BadRequest, "The media could not be uploaded to WhatsApp: " + failed.Message);
        }
    }

    private static Task ReportAsync(MediaSendProgressReporter? progress, int percent, CancellationToken cancellationToken) =>
        progress?.ProcessingAsync(percent, cancellationToken) ?? Task.CompletedTask;

    private static Task FailAsync(MediaSendProgressReporter? progress, int status, string error, CancellationToken cancellationToken) =>
        progress?.FailedAsync(status, error, cancellationToken) ?? Task.CompletedTask;

    private async Task<UploadedMedia> UploadAsync(IInstanceMediaGrain mediaGrain, MediaUploadAccess first, PreparedMedia prepared, MediaType kind, CancellationToken cancellationToken)
    {
        var transfer = new MediaTransfer(httpClients.CreateClient(UploadClientName), async (refresh, token) =>
        {
            var access = first;
            if (refresh)
            {
                var again = await mediaGrain.GetMediaUploadAccessAsync(true, token);
                access = again.Access ?? throw new MediaTransferException("The instance's media connection is gone: it is not connected any more.");
            }
            return new MediaConnection(access.Auth, access.Hosts, access.Ttl, access.FetchedAt);
        });
        prepared.Content.Position = 0;
        return await transfer.UploadAsync(prepared.Content, kind, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Instance {InstanceName}: a media upload to WhatsApp failed")]
    private partial void LogUploadFailed(string instanceName, Exception exception);
}

/// <summary>
/// Who a media send goes to: one <see cref="Number"/>, or a mailing's <see cref="Numbers"/>
/// (api-contract.md §2), each already checked for its format.
/// </summary>
public sealed record MediaRecipients(string? Number, IReadOnlyList<string>? Numbers)
{
    public static MediaRecipients One(string number) => new(number, null);

    public static MediaRecipients Mailing(IReadOnlyList<string> numbers) => new(null, numbers);
}
