using System.Globalization;
using CodeChat.WhatsApp.Binary;

namespace CodeChat.WhatsApp.Client;

/// <summary>One user's answer to a device usync: its devices and, when asked, its LID.</summary>
/// <param name="User">The user as queried (non-AD, PN or LID).</param>
/// <param name="Lid">The user's LID from <c>&lt;lid val&gt;</c>, when the server told it.</param>
/// <param name="DeviceIds">Device ids of the user (0 is the phone).</param>
public sealed record UsyncUserDevices(Jid User, Jid? Lid, IReadOnlyList<ushort> DeviceIds);

/// <summary>
/// The device-list usync (whatsapp-protocol.md §6.9; whatsmeow <c>GetUserDevices</c>, Baileys 7
/// <c>getUSyncDevices</c> with <c>USyncDeviceProtocol</c> and <c>USyncLIDProtocol</c>): one query for
/// several users asking for <c>&lt;devices version="2"/&gt;</c> and <c>&lt;lid/&gt;</c>.
/// </summary>
public static class UsyncDevices
{
    /// <summary>The iq for <paramref name="users"/> (device parts are dropped), context <c>message</c>.</summary>
    public static Node Query(IEnumerable<Jid> users, string sid)
    {
        ArgumentNullException.ThrowIfNull(users);
        ArgumentException.ThrowIfNullOrEmpty(sid);
        var list = users.Select(u => u.ToNonAd()).Distinct().Select(u => new Node("user", [new("jid", u)]));
        return ClientNodes.Iq("usync", "get", new Node(
            "usync",
            [new("sid", sid), new("mode", "query"), new("last", "true"), new("index", "0"), new("context", "message")],
            new Node[]
            {
                new("query", default, new Node[] { new("devices", [new("version", "2")]), new("lid") }),
                new("list", default, NodeContent.FromChildren(list)),
            }));
    }

    /// <summary>
    /// Reads the answer. Devices other than 0 without <c>key-index</c> are skipped as Baileys does
    /// (<c>extractDeviceJids</c>), hosted devices too (they need the hosted server's addressing,
    /// which this client does not send to yet).
    /// </summary>
    /// <exception cref="WaBinaryException">The answer has no usync list.</exception>
    public static IReadOnlyList<UsyncUserDevices> Parse(Node response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var list = response.GetChild("usync")?.GetChild("list") ?? throw new WaBinaryException("The usync answer has no <list>.");
        var users = new List<UsyncUserDevices>();
        foreach (var user in list.GetChildren("user"))
        {
            if (user.GetJid("jid") is not { } jid)
            {
                continue;
            }
            var devices = new List<ushort>();
            foreach (var device in user.GetChild("devices")?.GetChild("device-list")?.GetChildren("device") ?? [])
            {
                if (!ushort.TryParse(device.GetAttribute("id"), NumberStyles.None, CultureInfo.InvariantCulture, out var id)
                    || (id != 0 && !device.HasAttribute("key-index"))
                    || device.GetBool("is_hosted") == true)
                {
                    continue;
                }
                devices.Add(id);
            }
            var lid = user.GetChild("lid")?.GetJid("val") is { IsLid: true } val ? val.ToNonAd() : (Jid?)null;
            users.Add(new UsyncUserDevices(jid.ToNonAd(), lid, devices));
        }
        return users;
    }
}
