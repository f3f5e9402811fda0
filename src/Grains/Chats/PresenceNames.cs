using CodeChat.WhatsApp.Client;

namespace CodeChat.Grains.Chats;

/// <summary>The presence names of CodeChat's <c>updatePresence</c> and <c>presence.update</c> (Baileys' WAPresence).</summary>
public static class PresenceNames
{
    public static string Of(PresenceState state) => state switch
    {
        PresenceState.Available => "available",
        PresenceState.Unavailable => "unavailable",
        PresenceState.Composing => "composing",
        PresenceState.Recording => "recording",
        PresenceState.Paused => "paused",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "Not a presence."),
    };

    public static bool TryParse(string? name, out PresenceState state)
    {
        foreach (var candidate in Enum.GetValues<PresenceState>())
        {
            if (Of(candidate) == name)
            {
                state = candidate;
                return true;
            }
        }
        state = default;
        return false;
    }
}
