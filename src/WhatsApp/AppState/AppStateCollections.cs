namespace CodeChat.WhatsApp.AppState;

/// <summary>
/// The app-state collections WhatsApp keeps (whatsapp-protocol.md §9.2; whatsmeow appstate
/// <c>AllPatchNames</c>): contact names and settings in the critical ones, chat actions (archive, pin,
/// mute, read, delete) in the regular ones.
/// </summary>
public static class AppStateCollections
{
    public const string CriticalBlock = "critical_block";
    public const string CriticalUnblockLow = "critical_unblock_low";
    public const string RegularHigh = "regular_high";
    public const string RegularLow = "regular_low";
    public const string Regular = "regular";

    /// <summary>Every collection, in the order whatsmeow fetches them after linking.</summary>
    public static IReadOnlyList<string> All { get; } = [CriticalBlock, CriticalUnblockLow, RegularHigh, RegularLow, Regular];

    public static bool IsKnown(string name) => All.Contains(name, StringComparer.Ordinal);
}
