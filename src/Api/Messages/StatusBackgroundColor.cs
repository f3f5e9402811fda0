using System.Globalization;

namespace CodeChat.Api.Messages;

/// <summary>
/// A text status's <c>options.backgroundColor</c> as the ARGB WhatsApp carries in
/// <c>ExtendedTextMessage.backgroundArgb</c>: <c>#RRGGBB</c> (opaque) or <c>#AARRGGBB</c>, the <c>#</c>
/// optional, hex digits in either case.
/// </summary>
public static class StatusBackgroundColor
{
    /// <summary>The ARGB value <paramref name="text"/> names, or false when it is not one of the two forms.</summary>
    public static bool TryParse(string? text, out uint argb)
    {
        argb = 0;
        if (text is null)
            return false;
        var digits = text.StartsWith('#') ? text[1..] : text;
        if (digits.Length is not (6 or 8) || !digits.All(char.IsAsciiHexDigit)
            || !uint.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value))
            return false;
        argb = digits.Length == 6 ? 0xFF000000u | value : value;
        return true;
    }
}
