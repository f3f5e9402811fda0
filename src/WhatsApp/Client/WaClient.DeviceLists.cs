using CodeChat.WhatsApp.Binary;
using Microsoft.Extensions.Logging;

namespace CodeChat.WhatsApp.Client;

// Concern: the device lists sends fan out to. Cached per user (DeviceListCache) so that only the
// first send to a user, or one after its list changed, costs a usync; kept current from
// <notification type="devices"> (whatsmeow notification.go handleDeviceNotification: add and remove
// edit the cached list, anything else drops it), and dropped when a retry receipt or a message
// from a device the list lacks shows it is stale.
public sealed partial class WaClient
{
    // whatsmeow and Baileys bound theirs by time (Baileys: 5 minutes, NodeCache); a count bound is
    // enough here because notifications keep entries current.
    private const int DeviceListCacheCapacity = 5000;

    private readonly DeviceListCache _deviceLists = new(DeviceListCacheCapacity);

    /// <summary>The device lists of <paramref name="users"/>: cached ones as kept, the rest in one usync (then cached).</summary>
    private async Task<IReadOnlyList<UsyncUserDevices>> GetDeviceListsAsync(IEnumerable<Jid> users, CancellationToken cancellationToken)
    {
        var lists = new List<UsyncUserDevices>();
        var missing = new List<Jid>();
        foreach (var user in users.Select(u => u.ToNonAd()).Distinct())
        {
            if (_deviceLists.Find(user) is { } cached)
            {
                // As queried: callers match answers to the JID they asked for (PN or LID).
                lists.Add(cached with { User = user });
            }
            else
            {
                missing.Add(user);
            }
        }
        if (missing.Count == 0)
        {
            return lists;
        }
        var response = await SendIqAsync(UsyncDevices.Query(missing, _iq.NextId()), cancellationToken).ConfigureAwait(false);
        foreach (var fetched in UsyncDevices.Parse(response))
        {
            _deviceLists.Store(fetched);
            lists.Add(fetched);
        }
        return lists;
    }

    private void HandleDevicesNotification(Node notification)
    {
        // The user as PN in "from" and as LID in "lid" (or the other way round): a list cached under
        // either is the one to change.
        var users = new[] { notification.GetJid("from"), notification.GetJid("lid") }.OfType<Jid>().ToList();
        foreach (var change in notification.Children)
        {
            var devices = change.GetChildren("device").Select(d => d.GetJid("jid")).OfType<Jid>().ToList();
            foreach (var user in users)
            {
                if (change.Tag is "add" or "remove" && devices.Count > 0)
                {
                    foreach (var device in devices)
                    {
                        _deviceLists.Update(user, device.Device, added: change.Tag == "add");
                    }
                }
                else
                {
                    _deviceLists.Forget(user);
                }
            }
        }
        Log.DeviceListChanged(_logger);
    }

    /// <summary>A message from a device the cached list lacks: the list is stale, fetch it on the next send.</summary>
    private void NoteSenderDevice(Jid sender)
    {
        if (_deviceLists.IsUnknownDevice(sender))
        {
            _deviceLists.Forget(sender);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(121, LogLevel.Debug, "A contact's device list changed; the cached list was updated")]
        public static partial void DeviceListChanged(ILogger logger);
    }
}
