namespace CodeChat.WhatsApp.Client;

/// <summary>
/// Where a <see cref="WaClient"/> gets the WhatsApp Web version it claims (whatsapp-protocol.md §2.7,
/// pitfall P2). Asked before every connection attempt, so a version changed at run time is used from
/// the next connection on, and asked once for a replacement when the server refuses the claimed one
/// as outdated (<c>&lt;failure reason="405"/&gt;</c>).
/// </summary>
public interface IWhatsAppWebVersionSource
{
    /// <summary>The version to claim on the next connection.</summary>
    ValueTask<WhatsAppWebVersion> GetCurrentAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The server refused <paramref name="rejected"/> as outdated: find a version to retry with (for example by
    /// reading WhatsApp Web's service worker again), or null when there is none other than the rejected one.
    /// </summary>
    ValueTask<WhatsAppWebVersion?> FindReplacementAsync(WhatsAppWebVersion rejected, CancellationToken cancellationToken);
}
