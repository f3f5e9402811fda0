using CodeChat.WhatsApp.Proto;

namespace CodeChat.WhatsApp.Client;

/// <summary>
/// What we tell the server (and the phone's "Linked devices" list) about this client.
/// Defaults follow whatsmeow's BaseClientPayload / DeviceProps (whatsapp-protocol.md §2.7) except the
/// device name and platform, which identify this gateway. Immutable: derive variants with <c>with</c>.
/// </summary>
public sealed record ClientPayloadOptions
{
    /// <summary>Must be current or the server answers 405; update it at runtime when that happens.</summary>
    public WhatsAppWebVersion Version { get; init; } = WhatsAppWebVersion.Default;

    /// <summary>Shown on the phone under "Linked devices" (DeviceProps.os).</summary>
    public string DeviceName { get; init; } = "CodeChat";

    /// <summary>DeviceProps.version: the companion's own version, not the WhatsApp Web version.</summary>
    public WhatsAppWebVersion DeviceVersion { get; init; } = new(0, 1, 0);

    /// <summary>Selects the icon the phone shows next to <see cref="DeviceName"/>.</summary>
    public DeviceProps.Types.PlatformType PlatformType { get; init; } = DeviceProps.Types.PlatformType.Desktop;

    /// <summary>Ask the phone for the full message history instead of the recent window.</summary>
    public bool RequireFullSync { get; init; }

    /// <summary>History sync capabilities; <see langword="null"/> uses <see cref="CreateDefaultHistorySyncConfig"/>.</summary>
    public DeviceProps.Types.HistorySyncConfig? HistorySyncConfig { get; init; }

    public string LocaleLanguage { get; init; } = "en";

    public string LocaleCountry { get; init; } = "US";

    /// <summary>whatsmeow sends true (our stores are LID-aware); Baileys sends false.</summary>
    public bool LidDbMigrated { get; init; } = true;

    /// <summary>The capabilities whatsmeow advertises at the pinned upstream commit (store/clientpayload.go).</summary>
    public static DeviceProps.Types.HistorySyncConfig CreateDefaultHistorySyncConfig() => new()
    {
        StorageQuotaMb = 10240,
        InlineInitialPayloadInE2EeMsg = true,
        SupportCallLogHistory = true,
        SupportBotUserAgentChatHistory = true,
        SupportCagReactionsAndPolls = true,
        SupportBizHostedMsg = true,
        SupportRecentSyncChunkMessageCountTuning = true,
        SupportHostedGroupMsg = true,
        SupportFbidBotChatHistory = true,
        SupportMessageAssociation = true,
        SupportGroupHistory = true,
        ThumbnailSyncDaysLimit = 60,
        SupportManusHistory = true,
        SupportHatchHistory = true,
    };
}
