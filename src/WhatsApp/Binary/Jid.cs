using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace CodeChat.WhatsApp.Binary;

/// <summary>
/// A WhatsApp address: <c>user[.agent][:device]@server</c> (whatsmeow's textual form).
/// Construction validates every part, so a value that exists can always be encoded (pitfall P21:
/// a malformed JID such as <c>x@lid@s.whatsapp.net</c> gets the connection closed by the server).
/// <c>default(Jid)</c> is the empty JID (no server) and prints as an empty string.
/// </summary>
/// <remarks>
/// The integrator of an interop JID has no textual form (same as whatsmeow); it survives binary
/// round trips only.
/// </remarks>
public readonly struct Jid : IEquatable<Jid>, ISpanFormattable, IParsable<Jid>
{
    /// <summary>AD_JID domain types (whatsmeow <c>WhatsAppDomain</c>…, Baileys <c>WAJIDDomains</c>).</summary>
    internal const byte DomainWhatsApp = 0;
    internal const byte DomainLid = 1;
    internal const byte DomainHosted = 128;
    internal const byte DomainHostedLid = 129;

    private readonly string? _user;
    private readonly string? _server;

    /// <exception cref="ArgumentException">A part is malformed or the combination cannot be encoded.</exception>
    public Jid(string user, string server, ushort device = 0, byte agent = 0, ushort integrator = 0)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(server);
        var problem = Validate(user, server, device, agent, integrator);
        if (problem is not null)
        {
            throw new ArgumentException($"Invalid JID: {problem}.", nameof(user));
        }
        _user = user;
        _server = server;
        Device = device;
        Agent = agent;
        Integrator = integrator;
    }

    private Jid(string user, string server, ushort device, byte agent, ushort integrator, bool _)
    {
        _user = user;
        _server = server;
        Device = device;
        Agent = agent;
        Integrator = integrator;
    }

    /// <summary>The server-only JID <c>s.whatsapp.net</c>, the usual <c>to</c> of IQs.</summary>
    public static Jid ServerJid => new("", JidServers.User, 0, 0, 0, true);

    public static Jid GroupServerJid => new("", JidServers.Group, 0, 0, 0, true);

    public static Jid BroadcastServerJid => new("", JidServers.Broadcast, 0, 0, 0, true);

    public static Jid StatusBroadcast => new("status", JidServers.Broadcast, 0, 0, 0, true);

    public static Jid LegacyPsa => new("0", JidServers.LegacyUser, 0, 0, 0, true);

    public static Jid Psa => new("0", JidServers.User, 0, 0, 0, true);

    public static Jid OfficialBusiness => new("16505361212", JidServers.LegacyUser, 0, 0, 0, true);

    public string User => _user ?? "";

    public string Server => _server ?? "";

    /// <summary>Device number; 0 is the primary device (the phone).</summary>
    public ushort Device { get; }

    /// <summary>Raw agent of an AD JID on <c>s.whatsapp.net</c>; 0 almost always.</summary>
    public byte Agent { get; }

    /// <summary>Integrator id of an <c>@interop</c> JID.</summary>
    public ushort Integrator { get; }

    public bool IsEmpty => Server.Length == 0;

    /// <summary>Server-only JID such as <c>s.whatsapp.net</c> or <c>g.us</c>.</summary>
    public bool IsServerOnly => !IsEmpty && User.Length == 0;

    /// <summary>A LID user (<c>@lid</c>), any device.</summary>
    public bool IsLid => Server == JidServers.Lid && User.Length > 0;

    /// <summary>A phone-number user (<c>@s.whatsapp.net</c>), any device.</summary>
    public bool IsUserPn => Server == JidServers.User && User.Length > 0;

    public bool IsHostedPn => Server == JidServers.Hosted;

    public bool IsHostedLid => Server == JidServers.HostedLid;

    public bool IsGroup => Server == JidServers.Group && User.Length > 0;

    public bool IsNewsletter => Server == JidServers.Newsletter && User.Length > 0;

    public bool IsStatusBroadcast => Server == JidServers.Broadcast && User == "status";

    /// <summary>A broadcast list (not the status broadcast).</summary>
    public bool IsBroadcastList => Server == JidServers.Broadcast && User.Length > 0 && User != "status";

    /// <summary>Meta AI and other bots (whatsmeow <c>IsBot</c>).</summary>
    public bool IsBot =>
        Server == JidServers.Bot
        || (Server == JidServers.User && Device == 0 && IsBotUserNumber(User));

    /// <summary>True when this JID names one device (agent or device set) rather than the account.</summary>
    public bool IsAd => Device != 0 || Agent != 0;

    /// <summary>The account JID without agent and device (whatsmeow <c>ToNonAD</c>).</summary>
    public Jid ToNonAd() => new(User, Server, 0, 0, Integrator, true);

    /// <summary>The same user on another device.</summary>
    /// <exception cref="ArgumentException">The server cannot carry that device number.</exception>
    public Jid WithDevice(ushort device) => new(User, Server, device, Agent, Integrator);

    /// <summary>The same user and device on another server (e.g. PN ↔ LID mapping results).</summary>
    public Jid WithServer(string server) => new(User, server, Device, server == JidServers.User ? Agent : (byte)0, 0);

    public bool IsSameUserAs(Jid other) => User == other.User && Server == other.Server;

    /// <summary>Domain type byte written in AD_JID form.</summary>
    internal byte DomainType => Server switch
    {
        JidServers.Lid => DomainLid,
        JidServers.Hosted => DomainHosted,
        JidServers.HostedLid => DomainHostedLid,
        _ => Agent,
    };

    /// <summary>Builds an AD JID from its wire parts (whatsmeow <c>NewADJID</c>).</summary>
    internal static bool TryCreateFromDomainType(string user, byte domainType, byte device, out Jid jid)
    {
        var (server, agent) = domainType switch
        {
            DomainLid => (JidServers.Lid, (byte)0),
            DomainHosted => (JidServers.Hosted, (byte)0),
            DomainHostedLid => (JidServers.HostedLid, (byte)0),
            _ => (JidServers.User, domainType),
        };
        return TryCreate(user, server, device, agent, 0, out jid);
    }

    /// <summary>Validating factory that reports failure instead of throwing.</summary>
    public static bool TryCreate(string user, string server, ushort device, byte agent, ushort integrator, out Jid jid)
    {
        if (user is null || server is null || Validate(user, server, device, agent, integrator) is not null)
        {
            jid = default;
            return false;
        }
        jid = new Jid(user, server, device, agent, integrator, true);
        return true;
    }

    public static Jid Parse(string s) => Parse(s, null);

    /// <exception cref="FormatException">The text is not a well-formed JID.</exception>
    public static Jid Parse(string s, IFormatProvider? provider)
    {
        ArgumentNullException.ThrowIfNull(s);
        if (!TryParse(s, out var jid, out var problem))
        {
            throw new FormatException($"Invalid JID '{s}': {problem}.");
        }
        return jid;
    }

    public static bool TryParse([NotNullWhen(true)] string? s, out Jid result) => TryParse(s, out result, out _);

    public static bool TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out Jid result) =>
        TryParse(s, out result, out _);

    private static bool TryParse(string? text, out Jid result, out string problem)
    {
        result = default;
        if (string.IsNullOrEmpty(text))
        {
            problem = "empty";
            return false;
        }

        var at = text.IndexOf('@');
        if (at < 0)
        {
            // A bare word is only a JID when it names a known server ("s.whatsapp.net"); otherwise a
            // phone number passed without server would silently become a server name.
            if (!JidServers.IsKnown(text))
            {
                problem = "no '@' and not a known server";
                return false;
            }
            result = new Jid("", text, 0, 0, 0, true);
            problem = "";
            return true;
        }
        if (text.IndexOf('@', at + 1) >= 0)
        {
            problem = "more than one '@'";
            return false;
        }

        var server = text[(at + 1)..];
        var userPart = text.AsSpan(0, at);
        ushort device = 0;
        byte agent = 0;

        var colon = userPart.IndexOf(':');
        if (colon >= 0)
        {
            if (!TryParseNumber(userPart[(colon + 1)..], ushort.MaxValue, out var parsedDevice))
            {
                problem = "device is not a number in 0..65535";
                return false;
            }
            device = (ushort)parsedDevice;
            userPart = userPart[..colon];
        }

        var dot = userPart.IndexOf('.');
        if (dot >= 0)
        {
            if (!TryParseNumber(userPart[(dot + 1)..], byte.MaxValue, out var parsedAgent))
            {
                problem = "agent is not a number in 0..255";
                return false;
            }
            agent = (byte)parsedAgent;
            userPart = userPart[..dot];
        }

        var user = userPart.ToString();
        var invalid = Validate(user, server, device, agent, 0);
        if (invalid is not null)
        {
            problem = invalid;
            return false;
        }
        result = new Jid(user, server, device, agent, 0, true);
        problem = "";
        return true;
    }

    private static bool TryParseNumber(ReadOnlySpan<char> digits, int max, out int value)
    {
        value = 0;
        if (digits.IsEmpty || digits.Length > 5)
        {
            return false;
        }
        foreach (var c in digits)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
            value = value * 10 + (c - '0');
        }
        return value <= max;
    }

    /// <returns>Null when valid, otherwise why not.</returns>
    private static string? Validate(string user, string server, ushort device, byte agent, ushort integrator)
    {
        if (!IsValidServer(server))
        {
            return $"server '{server}' is not a lowercase dotted name";
        }
        foreach (var c in user)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                return $"user contains '{c}'";
            }
        }
        if (agent != 0 && (server != JidServers.User || agent is DomainLid or DomainHosted or DomainHostedLid))
        {
            return "agent is only carried by s.whatsapp.net JIDs and must not be a domain type";
        }
        if (integrator != 0 && server != JidServers.Interop)
        {
            return "integrator is only carried by interop JIDs";
        }
        if (device != 0)
        {
            switch (server)
            {
                case JidServers.User or JidServers.Lid or JidServers.Hosted or JidServers.HostedLid:
                    if (device > byte.MaxValue)
                    {
                        return "device must be 0..255 on this server (AD_JID carries one byte)";
                    }
                    break;
                case JidServers.Messenger or JidServers.Interop:
                    break;
                default:
                    return $"server '{server}' cannot carry a device number";
            }
        }
        return null;
    }

    private static bool IsValidServer(string server)
    {
        if (server.Length == 0 || server[0] == '.' || server[^1] == '.' || server.Contains(".."))
        {
            return false;
        }
        foreach (var c in server)
        {
            if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '-'))
            {
                return false;
            }
        }
        return true;
    }

    private static bool IsBotUserNumber(string user) =>
        (user.Length == 11 && user.StartsWith("1313555", StringComparison.Ordinal) && AllDigits(user))
        || (user.Length == 11 && user.StartsWith("131655500", StringComparison.Ordinal) && AllDigits(user));

    private static bool AllDigits(string s)
    {
        foreach (var c in s)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }
        return true;
    }

    public override string ToString()
    {
        if (IsEmpty)
        {
            return "";
        }
        if (Agent != 0)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{User}.{Agent}:{Device}@{Server}");
        }
        if (Device != 0)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{User}:{Device}@{Server}");
        }
        return User.Length > 0 ? $"{User}@{Server}" : Server;
    }

    public string ToString(string? format, IFormatProvider? formatProvider) => ToString();

    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
    {
        var text = ToString();
        if (text.AsSpan().TryCopyTo(destination))
        {
            charsWritten = text.Length;
            return true;
        }
        charsWritten = 0;
        return false;
    }

    public bool Equals(Jid other) =>
        string.Equals(User, other.User, StringComparison.Ordinal)
        && string.Equals(Server, other.Server, StringComparison.Ordinal)
        && Device == other.Device && Agent == other.Agent && Integrator == other.Integrator;

    public override bool Equals(object? obj) => obj is Jid other && Equals(other);

    public override int GetHashCode() =>
        HashCode.Combine(StringComparer.Ordinal.GetHashCode(User), StringComparer.Ordinal.GetHashCode(Server), Device, Agent, Integrator);

    public static bool operator ==(Jid left, Jid right) => left.Equals(right);

    public static bool operator !=(Jid left, Jid right) => !left.Equals(right);
}
