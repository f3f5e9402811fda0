using CodeChat.Grains.Abstractions.ClientVersion;
using CodeChat.WhatsApp.Client;

namespace CodeChat.Grains.ClientVersion;

/// <summary>
/// Which version an instance claims: the cluster-wide stored value (set at run time by an operator or
/// the refresher) beats <c>WhatsApp:Version</c> from configuration, which beats the compiled-in default.
/// The stored value wins because it is the only one that can change without a restart or a release.
/// </summary>
public static class ClientVersionPrecedence
{
    public static (WhatsAppWebVersion Version, string Origin) Resolve(StoredWhatsAppVersion? stored, WhatsAppWebVersion? configured)
    {
        if (stored is not null && WhatsAppWebVersion.TryParse(stored.Version, out var storedVersion))
            return (storedVersion, WhatsAppVersionOrigins.Stored);
        if (configured is { } configuredVersion)
            return (configuredVersion, WhatsAppVersionOrigins.Configured);
        return (WhatsAppWebVersion.Default, WhatsAppVersionOrigins.Default);
    }
}
