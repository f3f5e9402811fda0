using System.Globalization;
using CodeChat.WhatsApp.Binary;

namespace CodeChat.WhatsApp.Signal;

/// <summary>
/// A Signal protocol address: the peer's name and device id (whatsapp-protocol.md §6.6). The name is
/// the JID user, suffixed with <c>_&lt;domainType&gt;</c> when the domain type is not 0: PN
/// <c>15551234567</c>, LID <c>123456789012345_1</c>, hosted <c>…_128</c>, hosted LID <c>…_129</c>
/// (whatsmeow <c>JID.SignalAddressUser</c>, Baileys <c>jidToSignalProtocolAddress</c>).
/// </summary>
/// <remarks>
/// The one string form is libsignal-node's <c>name.device</c> (Baileys keys its session files that
/// way); whatsmeow's <c>name:device</c> is never produced or parsed here.
/// </remarks>
public readonly record struct SignalAddress
{
    public SignalAddress(string name, uint deviceId)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name.Contains('.', StringComparison.Ordinal))
        {
            throw new ArgumentException($"A Signal address name has no '.'; got '{name}'.", nameof(name));
        }
        Name = name;
        DeviceId = deviceId;
    }

    public string Name { get; }

    public uint DeviceId { get; }

    /// <summary>The address of one device JID (PN, LID, hosted or hosted LID user).</summary>
    /// <exception cref="ArgumentException">The JID is not a user on a Signal-capable server.</exception>
    public static SignalAddress FromJid(Jid device)
    {
        if (device.User.Length == 0 || !(device.IsUserPn || device.IsLid || device.IsHostedPn || device.IsHostedLid))
        {
            throw new ArgumentException($"'{device}' is not a user JID that has Signal sessions.", nameof(device));
        }
        var domainType = device.DomainType;
        var name = domainType == 0
            ? device.User
            : string.Create(CultureInfo.InvariantCulture, $"{device.User}_{domainType}");
        return new SignalAddress(name, device.Device);
    }

    /// <summary>The device JID this address stands for (the inverse of <see cref="FromJid"/>).</summary>
    /// <exception cref="FormatException">The name carries an unknown domain suffix.</exception>
    public Jid ToJid()
    {
        var underscore = Name.LastIndexOf('_');
        if (underscore < 0)
        {
            return CreateJid(Name, 0);
        }
        if (!byte.TryParse(Name.AsSpan(underscore + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var domainType)
            || domainType is not (Jid.DomainLid or Jid.DomainHosted or Jid.DomainHostedLid))
        {
            throw new FormatException($"Signal address '{this}' has an unknown domain suffix.");
        }
        return CreateJid(Name[..underscore], domainType);
    }

    private Jid CreateJid(string user, byte domainType)
    {
        if (DeviceId > byte.MaxValue || !Jid.TryCreateFromDomainType(user, domainType, (byte)DeviceId, out var jid))
        {
            throw new FormatException($"Signal address '{this}' names no valid device JID.");
        }
        return jid;
    }

    /// <summary>Parses the <c>name.device</c> form written by <see cref="ToString"/>.</summary>
    public static SignalAddress Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var dot = text.LastIndexOf('.');
        if (dot <= 0 || !uint.TryParse(text.AsSpan(dot + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var device))
        {
            throw new FormatException($"'{text}' is not a Signal address of the form name.device.");
        }
        return new SignalAddress(text[..dot], device);
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Name}.{DeviceId}");
}
