using System.Diagnostics.CodeAnalysis;

namespace CodeChat.Api.Instances;

/// <summary>Phone numbers as the pairing-code flow takes them: international, digits only.</summary>
public static class PhoneNumbers
{
    /// <summary>
    /// Accepts digits with optional '+', spaces, dashes, dots and parentheses; E.164 allows 15 digits at
    /// most and no real number has fewer than 8 with its country code.
    /// </summary>
    public static bool TryNormalize(string? input, [NotNullWhen(true)] out string? digits)
    {
        digits = null;
        if (string.IsNullOrWhiteSpace(input))
            return false;
        var kept = new System.Text.StringBuilder(input.Length);
        foreach (var c in input.Trim())
        {
            if (char.IsAsciiDigit(c))
                kept.Append(c);
            else if (c is not ('+' or ' ' or '-' or '.' or '(' or ')'))
                return false;
        }
        if (kept.Length is < 8 or > 15 || kept[0] == '0')
            return false;
        digits = kept.ToString();
        return true;
    }
}
