using System.Security.Cryptography;
using System.Text;
using CodeChat.WaEmulator.Model;
using CodeChat.WhatsApp.Binary;

namespace CodeChat.WaEmulator.Protocol;

/// <summary>
/// <c>&lt;notification type="devices"&gt;</c> to an account's other companions, and to the accounts
/// that fetched its device list, when the list changes (whatsapp-protocol.md §7.3), so clients can
/// update their cached device lists instead of waiting for the next usync.
/// </summary>
internal static class DeviceListNotifications
{
    /// <summary>
    /// Tells every other device of the account, and every device of the accounts that fetched its
    /// device list, that <paramref name="added"/> joined (whatsmeow handleDeviceNotification reads
    /// "from", "lid" and the add/remove child with its device JIDs).
    /// </summary>
    public static void AnnounceAdded(ChatServer server, LinkedDevice added)
    {
        var account = added.Account;
        var change = Stanzas.Children(
            "add",
            [("device_hash", DeviceHash(account))],
            [Stanzas.Make("device", ("jid", added.PnJid), ("key-index", added.KeyIndex.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("lid", added.LidJid))]);
        Announce(server, account, change, skip: added);
    }

    /// <summary>The same for a companion that was unlinked.</summary>
    public static void AnnounceRemoved(ChatServer server, EmulatedAccount account, int deviceId)
    {
        var id = deviceId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var change = Stanzas.Children(
            "remove",
            [("device_hash", DeviceHash(account))],
            [Stanzas.Make("device", ("jid", $"{account.Phone}:{id}@{JidServers.User}"), ("lid", $"{account.LidUser}:{id}@{JidServers.Lid}"))]);
        Announce(server, account, change, skip: null);
    }

    private static void Announce(ChatServer server, EmulatedAccount account, Node change, LinkedDevice? skip)
    {
        foreach (var device in account.Devices.Concat(account.DeviceListWatchers.SelectMany(w => w.Devices)))
        {
            if (device == skip)
            {
                continue;
            }

            server.Router.Deliver(device, Stanzas.Children(
                "notification",
                [("from", account.PnJid), ("type", "devices"), ("id", server.NextId()), ("t", Stanzas.UnixNow()), ("lid", account.LidJid)],
                [change]));
        }
    }

    /// <summary>
    /// The participant-list hash of the account's device list (phone and companions), in the v2 form
    /// of §6.9: "2:" + unpadded base64 of the first 6 bytes of SHA-256 over the sorted AD JIDs.
    /// </summary>
    public static string DeviceHash(EmulatedAccount account)
    {
        var jids = account.Devices
            .Select(d => d.DeviceId)
            .Prepend(0)
            .Select(id => $"{account.Phone}.0:{id.ToString(System.Globalization.CultureInfo.InvariantCulture)}@{JidServers.User}")
            .Order(StringComparer.Ordinal);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(string.Concat(jids)));
        return "2:" + Convert.ToBase64String(hash, 0, 6).TrimEnd('=');
    }
}
