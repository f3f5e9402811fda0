using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Text;

namespace CodeChat.WhatsApp.Binary;

/// <summary>
/// The one rule for a phone number given by a user (the pairing-code flow today, message
/// recipients later): an international number, country code first, which becomes the user part of
/// a <c>@s.whatsapp.net</c> <see cref="Jid"/>. It lives beside <see cref="Jid"/> because that is
/// what it turns into; the API, the grains and <c>WaClient</c> all call it, so a number accepted
/// at the edge is never refused deeper in.
/// </summary>
/// <remarks>
/// Accepted: ASCII digits with the separators people type (<c>+</c>, space, <c>-</c>, <c>.</c>,
/// parentheses), which are dropped. The digits must number 8 to 15 (E.164 allows 15 at most; no
/// real number is shorter than 8 with its country code) and must not start with 0: a national
/// trunk prefix or an international call prefix such as <c>00</c> is not part of the number, and
/// guessing what it stood for would link the wrong account.
/// </remarks>
public static class PhoneNumber
{
    /// <summary>The fewest digits a number with its country code has.</summary>
    public const int MinDigits = 8;

    /// <summary>The most digits E.164 allows.</summary>
    public const int MaxDigits = 15;

    /// <summary>Returns the digits of <paramref name="input"/>, or false when it is not a valid number.</summary>
    public static bool TryNormalize(string? input, [NotNullWhen(true)] out string? digits)
    {
        digits = null;
        if (string.IsNullOrWhiteSpace(input))
        {
            return false;
        }
        var kept = new StringBuilder(input.Length);
        foreach (var c in input.Trim())
        {
            if (char.IsAsciiDigit(c))
            {
                kept.Append(c);
            }
            else if (c is not ('+' or ' ' or '-' or '.' or '(' or ')'))
            {
                return false;
            }
        }
        if (kept.Length is < MinDigits or > MaxDigits || kept[0] == '0')
        {
            return false;
        }
        digits = kept.ToString();
        return true;
    }

    /// <summary>Returns the digits of <paramref name="input"/>.</summary>
    /// <exception cref="ArgumentException">The input is not a valid international number.</exception>
    public static string Normalize(string input, [CallerArgumentExpression(nameof(input))] string? parameterName = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!TryNormalize(input, out var digits))
        {
            throw new ArgumentException(
                $"The phone number must be international, country code first, with {MinDigits} to {MaxDigits} digits and no leading 0 "
                + "(a leading +, spaces, dashes, dots and parentheses are allowed).",
                parameterName);
        }
        return digits;
    }
}
