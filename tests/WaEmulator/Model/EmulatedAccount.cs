namespace CodeChat.WaEmulator.Model;

/// <summary>A test user: phone number, LID, the simulated phone, and its linked companion devices.</summary>
public sealed class EmulatedAccount(string phone, string lidUser, string? pushName)
{
    private readonly object _gate = new();
    private readonly Dictionary<int, LinkedDevice> _devices = [];
    private int _nextDeviceId = 1;
    private int _nextKeyIndex = 1;
    private readonly HashSet<EmulatedAccount> _deviceListWatchers = [];

    public string Phone { get; } = phone;

    /// <summary>Opaque LID user part; Baileys 7 cannot send without one (emulator-notes-baileys7.md row 10).</summary>
    public string LidUser { get; } = lidUser;

    private volatile string? _pushName = pushName;

    /// <summary>
    /// The name WhatsApp shows beside the number (the <c>notify</c> of the account's stanzas). The user
    /// changes it on the phone; a client announces it in <c>&lt;presence type="available" name="…"&gt;</c>.
    /// </summary>
    public string? PushName
    {
        get => _pushName;
        set => _pushName = value;
    }

    public SimulatedPhone PrimaryPhone { get; } = new();

    /// <summary>The account's app-state collections (patches the phone and companions pushed).</summary>
    public EmulatedAppState AppState { get; } = new();

    /// <summary>
    /// When set, WhatsApp asks for this passkey before it links a new companion to the account
    /// (whatsapp-protocol.md §4.5), after a QR scan and after a typed pairing code alike.
    /// </summary>
    public EmulatedPasskey? Passkey { get; internal set; }

    public bool PasskeyRequired => Passkey is not null;

    /// <summary>
    /// WhatsApp's "reach-out" restriction (whatsapp-protocol.md §6.13, pitfall P5): a 1:1 message to this
    /// account from another is refused with ack error 463 unless it carries, in <c>&lt;tctoken&gt;</c>, the
    /// privacy token this account issued to the sender. Off by default (every account takes every message).
    /// </summary>
    public bool RequiresPrivacyToken { get; set; }

    public string PnJid => $"{Phone}@s.whatsapp.net";

    public string LidJid => $"{LidUser}@lid";

    public IReadOnlyList<LinkedDevice> Devices
    {
        get
        {
            lock (_gate)
            {
                return [.. _devices.Values.OrderBy(d => d.DeviceId)];
            }
        }
    }

    public LinkedDevice? FindDevice(int deviceId)
    {
        lock (_gate)
        {
            return _devices.GetValueOrDefault(deviceId);
        }
    }

    internal (int DeviceId, int KeyIndex) ReserveDeviceSlot()
    {
        lock (_gate)
        {
            return (_nextDeviceId++, _nextKeyIndex++);
        }
    }

    internal void AddDevice(LinkedDevice device)
    {
        lock (_gate)
        {
            _devices[device.DeviceId] = device;
        }
    }

    /// <summary>
    /// Accounts that fetched this account's device list (usync): like WhatsApp's server, which tells
    /// a user's contacts about device changes, the emulator sends them devices notifications.
    /// </summary>
    internal IReadOnlyList<EmulatedAccount> DeviceListWatchers
    {
        get
        {
            lock (_gate)
            {
                return [.. _deviceListWatchers];
            }
        }
    }

    internal void AddDeviceListWatcher(EmulatedAccount watcher)
    {
        if (watcher == this)
        {
            return;
        }
        lock (_gate)
        {
            _deviceListWatchers.Add(watcher);
        }
    }

    internal bool RemoveDevice(int deviceId)
    {
        lock (_gate)
        {
            return _devices.Remove(deviceId);
        }
    }

    public override string ToString() => PnJid;
}
