using CodeChat.WhatsApp.Crypto;
using CodeChat.WhatsApp.Media;
using CodeChat.WhatsApp.Proto;

namespace CodeChat.WhatsApp.History;

/// <summary>
/// Fetches the <c>HistorySync</c> a <c>HistorySyncNotification</c> points to (whatsapp-protocol.md §9.1):
/// the inline bootstrap payload when the phone put one in the notification, else the blob on the media
/// host, downloaded as media type <see cref="MediaType.History"/> (HKDF info <c>WhatsApp History Keys</c>,
/// mms-type <c>md-msg-hist</c>: whatsmeow download.go <c>MediaHistory</c>, Baileys <c>MEDIA_HKDF_KEY_MAPPING</c>),
/// with its fileEncSha256, MAC and fileSha256 checked, then inflated and parsed.
/// </summary>
public static class HistorySyncDownload
{
    /// <summary>Largest encrypted blob fetched for one notification.</summary>
    public const long DefaultMaxDownloadBytes = 128L * 1024 * 1024;

    /// <exception cref="MediaTransferException">The media hosts did not hand the blob out (expired, unreachable, too large).</exception>
    /// <exception cref="MediaIntegrityException">The blob failed its hash or MAC.</exception>
    /// <exception cref="HistorySyncException">The decrypted payload is not a zlib <c>HistorySync</c>.</exception>
    public static async Task<Proto.HistorySync> FetchAsync(
        MediaTransfer transfer, HistorySyncNotification notification, long maxDownloadBytes = DefaultMaxDownloadBytes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transfer);
        ArgumentNullException.ThrowIfNull(notification);
        if (notification.HasInitialHistBootstrapInlinePayload)
            return await HistorySyncPayload.DecodeAsync(notification.InitialHistBootstrapInlinePayload.Memory, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!notification.HasMediaKey || !notification.HasDirectPath)
            throw new HistorySyncException("The history sync notification names neither an inline payload nor a blob with its media key.");

        await using var deflated = TemporaryMediaFile.Create();
        await transfer.DownloadAsync(
            notification.DirectPath,
            url: null,
            notification.MediaKey.Memory,
            MediaType.History,
            notification.FileEncSHA256.Memory,
            notification.FileSHA256.Memory,
            deflated,
            maxDownloadBytes,
            cancellationToken).ConfigureAwait(false);
        deflated.Position = 0;
        return await HistorySyncPayload.DecodeAsync(deflated, cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}
