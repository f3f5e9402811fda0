using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Client;

namespace CodeChat.WhatsApp.Tests.Client;

/// <summary>
/// The presence stanzas as WhatsApp sends them (shapes from whatsmeow presence.go handlePresence /
/// handleChatState and Baileys 7 Socket/chats.ts handlePresenceUpdate) and what they mean.
/// </summary>
public sealed class PresenceParsingTests
{
    private const string Ana = "5531912345678@s.whatsapp.net";

    [Fact]
    public void Online_offline_with_last_seen_and_hidden_last_seen()
    {
        var online = WaClient.ParsePresence(new Node("presence", [new("from", Ana)]))!;
        Assert.Equal(PresenceState.Available, online.State);
        Assert.Equal(Ana, online.Chat.ToString());
        Assert.Equal(Ana, online.Participant.ToString());
        Assert.Null(online.LastSeen);

        var offline = WaClient.ParsePresence(new Node("presence", [new("from", Ana), new("type", "unavailable"), new("last", "1764763200")]))!;
        Assert.Equal(PresenceState.Unavailable, offline.State);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1764763200), offline.LastSeen);

        var hidden = WaClient.ParsePresence(new Node("presence", [new("from", Ana), new("type", "unavailable"), new("last", "deny")]))!;
        Assert.Null(hidden.LastSeen);

        Assert.Null(WaClient.ParsePresence(new Node("presence", [new("from", Ana), new("type", "error")])));
    }

    [Fact]
    public void Typing_recording_and_paused_in_a_person_s_chat_and_in_a_group()
    {
        var typing = WaClient.ParsePresence(new Node("chatstate", [new("from", Ana)], new Node("composing")))!;
        Assert.Equal(PresenceState.Composing, typing.State);
        Assert.Equal(Ana, typing.Participant.ToString());

        var recording = WaClient.ParsePresence(new Node("chatstate", [new("from", Ana)], new Node("composing", [new("media", "audio")])))!;
        Assert.Equal(PresenceState.Recording, recording.State);

        var inGroup = WaClient.ParsePresence(new Node("chatstate", [new("from", "120363025246125486@g.us"), new("participant", "123456789012345@lid")], new Node("paused")))!;
        Assert.Equal(PresenceState.Paused, inGroup.State);
        Assert.Equal("120363025246125486@g.us", inGroup.Chat.ToString());
        Assert.Equal("123456789012345@lid", inGroup.Participant.ToString());

        Assert.Null(WaClient.ParsePresence(new Node("chatstate", [new("from", Ana)])));
    }
}
