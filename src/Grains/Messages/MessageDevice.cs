namespace CodeChat.Grains.Messages;

/// <summary>
/// The kind of app that sent a message, read from the shape of its id as WhatsApp clients generate
/// them (Baileys' <c>getDevice</c> reads the same: iOS ids are "3A" + 18 characters, WhatsApp Web
/// ids "3E" + 20, Android ids 21 or 32 characters, desktop ids "3F…" or 18 characters).
/// CodeChat reports it as <c>device</c> / <c>context.sourceDevice</c>.
/// </summary>
public static class MessageDevice
{
    public static string FromMessageId(string messageId)
    {
        ArgumentNullException.ThrowIfNull(messageId);
        if (messageId.Length == 20 && messageId.StartsWith("3A", StringComparison.Ordinal))
            return "ios";
        if (messageId.Length == 22 && messageId.StartsWith("3E", StringComparison.Ordinal))
            return "web";
        if (messageId.Length is 21 or 32)
            return "android";
        if (messageId.StartsWith("3F", StringComparison.Ordinal) || messageId.Length == 18)
            return "desktop";
        return "unknown";
    }
}
