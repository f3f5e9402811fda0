using System.Diagnostics.CodeAnalysis;

namespace CodeChat.WhatsApp.Binary;

/// <summary>
/// The one rule for a message recipient as an API caller writes it (codechat-api.md §4.4): a JID
/// with a known chat suffix stays as it is; a legacy group id (digits with a dash) becomes a
/// <c>@g.us</c> JID; anything else must be a phone number (<see cref="PhoneNumber"/>, the one
/// normalisation of numbers) and becomes a <c>@s.whatsapp.net</c> JID. Brazilian mobile numbers
/// written with the ninth digit lose it where CodeChat removes it (DDD ≥ 31 and the subscriber number
/// starting with 7, 8 or 9); the existence check then asks WhatsApp, which answers with the JID the
/// account really has either way.
/// </summary>
public static class RecipientJid
{
    /// <summary>The JID <paramref name="input"/> names, or false when it names none.</summary>
    public static bool TryParse([NotNullWhen(true)] string? input, out Jid jid)
    {
        jid = default;
        if (string.IsNullOrWhiteSpace(input))
        {
            return false;
        }
        var text = input.Trim();
        if (text.Contains('@', StringComparison.Ordinal))
        {
            if (!Jid.TryParse(text, out var parsed) || parsed.User.Length == 0)
            {
                return false;
            }
            if (parsed.Server == JidServers.LegacyUser)
            {
                parsed = new Jid(parsed.User, JidServers.User);
            }
            if (!(parsed.IsUserPn || parsed.IsLid || parsed.IsGroup || parsed.Server is JidServers.Broadcast or JidServers.Newsletter))
            {
                return false;
            }
            jid = parsed.ToNonAd();
            return true;
        }
        if (IsLegacyGroupId(text))
        {
            jid = new Jid(text, JidServers.Group);
            return true;
        }
        if (!PhoneNumber.TryNormalize(text, out var digits))
        {
            return false;
        }
        jid = new Jid(WithoutBrazilianNinthDigit(digits), JidServers.User);
        return true;
    }

    /// <summary>
    /// 13-digit Brazilian mobile numbers (55, two-digit DDD, 9, eight digits) as CodeChat 1.3 writes
    /// them: the 9 goes when the DDD is 31 or above and the eight digits start with 7 or higher
    /// (WhatsApp registered those accounts before the ninth digit existed).
    /// </summary>
    public static string WithoutBrazilianNinthDigit(string digits)
    {
        ArgumentNullException.ThrowIfNull(digits);
        if (digits.Length == 13 && digits.StartsWith("55", StringComparison.Ordinal) && digits[4] == '9'
            && int.Parse(digits.AsSpan(2, 2), System.Globalization.CultureInfo.InvariantCulture) >= 31
            && digits[5] >= '7')
        {
            return string.Concat(digits.AsSpan(0, 4), digits.AsSpan(5));
        }
        return digits;
    }

    // "5511999999999-1234567890": the creator's number, a dash, the creation time.
    private static bool IsLegacyGroupId(string text)
    {
        var dash = text.IndexOf('-', StringComparison.Ordinal);
        return dash > 0 && dash < text.Length - 1 && text.Count(c => c == '-') == 1
            && text.AsSpan(0, dash).IndexOfAnyExceptInRange('0', '9') < 0
            && text.AsSpan(dash + 1).IndexOfAnyExceptInRange('0', '9') < 0;
    }
}
