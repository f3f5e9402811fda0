using System.Security.Cryptography;
using System.Text;
using CodeChat.WaEmulator.Model;
using CodeChat.WhatsApp.Binary;

namespace CodeChat.WaEmulator.Protocol;

/// <summary>
/// <c>&lt;notification type="devices"&gt;</c> to an account's other companions when its device list
/// changes (whatsapp-protocol.md §7.3), so clients can update their cached device lists instead of
/// waiting for the next usync.
/// </summary>
internal static class DeviceListNotifications
{
    /// <summary>Tells every other device of the account that <paramref name="added"/> joined.</summary>
    public static void AnnounceAdded(ChatServer server, LinkedDevice added)
    {
        var account = added.Account;
        var deviceHash = DeviceHash(account);
        foreach (var device in account.Devices)
        {
            if (device == added)
            {
                continue;
            }

            server.Router.Deliver(device, Stanzas.Children(
                "notification",
                [("from", account.PnJid), ("type", "devices"), ("id", server.NextId()), ("t", Stanzas.UnixNow()), ("lid", account.LidJid)],
                [
                    Stanzas.Children(
                        "add",
                        [("device_hash", deviceHash)],
                        [Stanzas.Make("device", ("jid", added.PnJid), ("key-index", added.KeyIndex.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("lid", added.LidJid))]),
                ]));
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
