namespace CodeChat.WhatsApp.Client;

/// <summary>
/// What a contact shows: online or offline (<c>&lt;presence&gt;</c>, seen only after subscribing to them), or
/// what they do in a chat (<c>&lt;chatstate&gt;</c>): typing, recording a voice note, or stopped. The names are
/// Baileys' <c>WAPresence</c> values, which CodeChat reports as <c>lastKnownPresence</c>.
/// </summary>
public enum PresenceState
{
    Available,
    Unavailable,
    Composing,
    Recording,
    Paused,
}
