using System.Globalization;
using CodeChat.WaEmulator.Model;

namespace CodeChat.WaEmulator.Protocol;

/// <summary>
/// <c>&lt;notification type="encrypt"&gt;&lt;count value="N"/&gt;</c> to a companion whose one-time prekeys
/// run low because others fetched its bundles (whatsapp-protocol.md §5.2), so it uploads a new batch
/// before senders have to fall back to bundles without a one-time prekey.
/// </summary>
internal static class PreKeyCountNotifications
{
    /// <summary>
    /// Below this many one-time prekeys the server asks for more; clients refill below the same number
    /// (whatsmeow <c>MinPreKeyCount</c> = 5, whatsapp-protocol.md §5.2).
    /// </summary>
    public const int MinPreKeyCount = 5;

    /// <summary>Sends (or queues, when offline) the low-count notice once per drop below the threshold.</summary>
    public static void NotifyIfLow(ChatServer server, LinkedDevice device)
    {
        if (!device.Keys.TryClaimLowCountNotice(MinPreKeyCount, out var remaining))
        {
            return;
        }

        server.Router.Deliver(device, Stanzas.Children(
            "notification",
            [("from", Stanzas.ServerJid), ("type", "encrypt"), ("id", server.NextId()), ("t", Stanzas.UnixNow())],
            [Stanzas.Make("count", ("value", remaining.ToString(CultureInfo.InvariantCulture)))]));
    }
}
