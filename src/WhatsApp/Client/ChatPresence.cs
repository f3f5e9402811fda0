namespace CodeChat.WhatsApp.Client;

/// <summary>
/// What a chat shows about us while we prepare a message (whatsmeow types.ChatPresence and
/// ChatPresenceMedia; Baileys' WAPresence): typing, recording a voice note, or neither.
/// </summary>
public enum ChatPresence
{
    Composing,
    Recording,
    Paused,
}
