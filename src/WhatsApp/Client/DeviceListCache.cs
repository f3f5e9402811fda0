using CodeChat.WhatsApp.Binary;

namespace CodeChat.WhatsApp.Client;

/// <summary>
/// The device lists of users this client sends to, kept between sends so that a conversation does
/// not cost a usync per message (whatsmeow <c>userDevicesCache</c>, Baileys <c>userDevicesCache</c>).
/// An entry is reachable by the user's PN and by its LID. Bounded: past <see cref="Capacity"/> users
/// the oldest entries are dropped (they are fetched again when needed). Kept in memory for the life
/// of the client; <c>&lt;notification type="devices"&gt;</c>, retry receipts and unknown sender
/// devices correct or drop entries.
/// </summary>
internal sealed class DeviceListCache(int capacity)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<Jid, UsyncUserDevices> _byUser = [];
    private readonly Queue<Jid> _insertionOrder = new();

    public int Capacity { get; } = capacity;

    public UsyncUserDevices? Find(Jid user)
    {
        lock (_gate)
        {
            return _byUser.GetValueOrDefault(user.ToNonAd());
        }
    }

    public void Store(UsyncUserDevices devices)
    {
        lock (_gate)
        {
            Put(devices.User, devices);
            if (devices.Lid is { } lid)
            {
                Put(lid, devices);
            }
            while (_byUser.Count > Capacity && _insertionOrder.TryDequeue(out var oldest))
            {
                _byUser.Remove(oldest);
            }
            if (_insertionOrder.Count > 2 * Capacity)
            {
                // Forgotten and re-stored users leave stale keys behind; keep the queue to live ones.
                var live = _insertionOrder.Where(_byUser.ContainsKey).Distinct().ToList();
                _insertionOrder.Clear();
                live.ForEach(_insertionOrder.Enqueue);
            }
        }
    }

    /// <summary>Drops <paramref name="user"/>'s list (under its PN and LID); the next send fetches it again.</summary>
    public void Forget(Jid user)
    {
        lock (_gate)
        {
            if (_byUser.Remove(user.ToNonAd(), out var entry))
            {
                _byUser.Remove(entry.User);
                if (entry.Lid is { } lid)
                {
                    _byUser.Remove(lid);
                }
            }
        }
    }

    /// <summary>Adds or removes one device of a cached user; a user not cached stays uncached.</summary>
    public void Update(Jid user, ushort device, bool added)
    {
        lock (_gate)
        {
            if (!_byUser.TryGetValue(user.ToNonAd(), out var entry))
            {
                return;
            }
            var devices = entry.DeviceIds.Where(d => d != device).ToList();
            if (added)
            {
                devices.Add(device);
                devices.Sort();
            }
            var updated = entry with { DeviceIds = devices };
            _byUser[entry.User] = updated;
            if (entry.Lid is { } lid)
            {
                _byUser[lid] = updated;
            }
        }
    }

    /// <summary>True when <paramref name="device"/>'s user is cached without that device (the list is stale).</summary>
    public bool IsUnknownDevice(Jid device)
    {
        lock (_gate)
        {
            return _byUser.TryGetValue(device.ToNonAd(), out var entry) && !entry.DeviceIds.Contains(device.Device);
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _byUser.Clear();
            _insertionOrder.Clear();
        }
    }

    private void Put(Jid key, UsyncUserDevices devices)
    {
        if (_byUser.TryAdd(key, devices))
        {
            _insertionOrder.Enqueue(key);
        }
        else
        {
            _byUser[key] = devices;
        }
    }
}
