using Orleans.Concurrency;

namespace CodeChat.Grains.Abstractions.Media;

/// <summary>
/// What a media send needs from the instance besides the send itself, keyed by the instance name
/// (the same grain as <c>IInstanceGrain</c>). The API host prepares and uploads the file itself, so
/// the bytes never travel through grain calls: it asks here for the instance's media upload access
/// (WhatsApp's <c>media_conn</c>) and records its <c>send.message</c> progress events here, in the
/// instance's outbox. Both interleave: they must never hold the turn an incoming message needs.
/// </summary>
[Alias("CodeChat.IInstanceMediaGrain")]
public interface IInstanceMediaGrain : IGrainWithStringKey
{
    /// <summary>
    /// The media hosts and upload token of the instance's open session (cached for its ttl;
    /// <paramref name="refresh"/> asks WhatsApp again, after a host refused the token).
    /// </summary>
    [Alias("GetMediaUploadAccess")]
    [AlwaysInterleave]
    Task<MediaUploadAccessResult> GetMediaUploadAccessAsync(bool refresh, CancellationToken cancellationToken = default);

    /// <summary>Records one <c>send.message:START|PROCESSING|COMPLETED|ERROR</c> event of a media send.</summary>
    [Alias("RecordSendProgress")]
    [AlwaysInterleave]
    Task RecordSendProgressAsync(MediaSendProgress progress, CancellationToken cancellationToken = default);
}
