namespace CodeChat.WhatsApp.Client;

/// <summary>
/// The server says app-state collections changed (<c>&lt;notification type="server_sync"&gt;</c>,
/// whatsapp-protocol.md §7.3): fetch their patches.
/// </summary>
public sealed record AppStateSyncRequestedEvent(IReadOnlyList<string> Collections) : WaEvent;
