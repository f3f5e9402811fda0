using System.Collections.Concurrent;
using CodeChat.WaEmulator.Model;
using CodeChat.WhatsApp.Binary;

namespace CodeChat.WaEmulator.Protocol;

/// <summary>All test accounts, found by phone number or LID user: the server treats both as one user.</summary>
public sealed class AccountDirectory
{
    private const string LidPrefix = "100000000";
    private readonly ConcurrentDictionary<string, EmulatedAccount> _byPhone = new();
    private readonly ConcurrentDictionary<string, EmulatedAccount> _byLid = new();
    private readonly object _createGate = new();
    private long _nextPhone = 15550000001;
    private int _nextLid = 1;

    public IReadOnlyList<EmulatedAccount> Accounts => [.. _byPhone.Values.OrderBy(a => a.Phone, StringComparer.Ordinal)];

    /// <summary>Creates an account; phone defaults to the next free 1555000000N number.</summary>
    public EmulatedAccount Create(string? phone = null, string? pushName = null)
    {
        lock (_createGate)
        {
            phone ??= NextFreePhone();
            if (!phone.All(char.IsAsciiDigit) || phone.Length is < 5 or > 15)
            {
                throw new ArgumentException($"phone must be 5-15 digits, got '{phone}'", nameof(phone));
            }

            if (_byPhone.ContainsKey(phone))
            {
                throw new InvalidOperationException($"account {phone} exists already");
            }

            // LIDs are opaque and unrelated to the phone number, like the real ones.
            var lid = LidPrefix + (_nextLid++).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
            var account = new EmulatedAccount(phone, lid, pushName);
            _byPhone[phone] = account;
            _byLid[lid] = account;
            return account;
        }
    }

    public EmulatedAccount? FindByPhone(string phone) => _byPhone.GetValueOrDefault(phone);

    /// <summary>
    /// The account a contact query's number names. As on the real server, a Brazilian mobile number
    /// finds its account with or without the ninth digit (55 + DDD + 9 + 8 digits, or 55 + DDD + 8 digits).
    /// </summary>
    public EmulatedAccount? FindByContactPhone(string phone)
    {
        if (FindByPhone(phone) is { } exact)
        {
            return exact;
        }

        if (!phone.StartsWith("55", StringComparison.Ordinal))
        {
            return null;
        }

        return phone.Length switch
        {
            13 when phone[4] == '9' => FindByPhone(string.Concat(phone.AsSpan(0, 4), phone.AsSpan(5))),
            12 => FindByPhone(string.Concat(phone.AsSpan(0, 4), "9", phone.AsSpan(4))),
            _ => null,
        };
    }

    /// <summary>Finds the account of a JID's user part, PN (s.whatsapp.net / c.us) or LID.</summary>
    public EmulatedAccount? FindUser(Jid jid) => jid.Server switch
    {
        JidServers.User or JidServers.LegacyUser => _byPhone.GetValueOrDefault(jid.User),
        JidServers.Lid => _byLid.GetValueOrDefault(jid.User),
        _ => null,
    };

    private string NextFreePhone()
    {
        while (_byPhone.ContainsKey(_nextPhone.ToString(System.Globalization.CultureInfo.InvariantCulture)))
        {
            _nextPhone++;
        }

        return (_nextPhone++).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
