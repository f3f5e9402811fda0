using System.Collections.Frozen;

namespace CodeChat.Grains.Abstractions.Webhooks;

/// <summary>
/// The <c>events</c> flags of <c>PUT /webhook/set</c>: one v3 camelCase flag per seed event
/// (api-contract.md §3, §6), the flag names of CodeChat 1.3 and of the hosted v3 API as aliases
/// (codechat-api.md §7.1, Appendix B), and the 1.3 flags whose events we never emit, accepted so a
/// 1.3 client's request is not refused but without effect.
/// </summary>
public static class WebhookEventFlags
{
    private static readonly (string Flag, string Event)[] Catalogue =
    [
        ("connectionUpdate", "connection.update"),
        ("qrcodeUpdated", "qrcode.updated"),
        ("chatsSet", "chats.set"),
        ("chatsUpsert", "chats.upsert"),
        ("chatsUpdate", "chats.update"),
        ("presenceUpdate", "presence.update"),
        ("contactsUpsert", "contacts.upsert"),
        ("contactsUpdate", "contacts.update"),
        ("newMessage", "new.message"),
        ("messagesUpdate", "messages.update"),
        ("messagesSet", "messages.set"),
        ("statusBroadcast", "status.broadcast"),
        ("sendMessage", "send.message"),
        ("groupParticipantUpdate", "group:participant.update"),
        ("groupUpsert", "group.upsert"),
        ("groupUpdate", "group.update"),
        ("pausedQueue", "paused.queue"),
        ("resumedQueue", "resumed.queue"),
        ("deletedQueue", "deleted.queue"),
        ("requestPayment", "request.payment"),
        ("declinePayment", "decline.payment"),
        ("cancelPayment", "cancel.payment"),
        ("sendPayment", "send.payment"),
        ("generalError", "general.error"),
        // CodeChat 1.3's call event (codechat-api.md §7.1); the seed has no call event.
        ("callUpsert", "call.upsert"),
        // Our extension (issue 15): passkey-required linking.
        ("passkeyRequest", "passkey.request"),
        ("passkeyConfirmation", "passkey.confirmation"),
        ("passkeyError", "passkey.error"),
    ];

    /// <summary>Other spellings of a flag: CodeChat 1.3's names and the hosted v3's finer send/message flags.</summary>
    private static readonly FrozenDictionary<string, string> Aliases = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["connectionUpdated"] = "connectionUpdate",
        ["messagesUpsert"] = "newMessage",
        ["messagesUpdated"] = "messagesUpdate",
        ["messageUpdate"] = "messagesUpdate",
        ["contactsUpdated"] = "contactsUpdate",
        ["chatsUpdated"] = "chatsUpdate",
        ["presenceUpdated"] = "presenceUpdate",
        ["groupsUpsert"] = "groupUpsert",
        ["groupsUpdated"] = "groupUpdate",
        ["groupsParticipantsUpdated"] = "groupParticipantUpdate",
        ["groupParticipantsUpdate"] = "groupParticipantUpdate",
        ["sendMessageStart"] = "sendMessage",
        ["sendMessageProcessing"] = "sendMessage",
        ["sebdMessageProcessing"] = "sendMessage", // sic: the hosted v3 spec's spelling
        ["sendMessageCompleted"] = "sendMessage",
        ["sendMessageError"] = "sendMessage",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>1.3 / v3 flags of events that are not in the seed's list: accepted, no effect.</summary>
    private static readonly FrozenSet<string> Inert = new[]
    {
        "statusInstance", "contactsSet", "chatsDeleted", "chatsDelete", "messageDelete",
        "refreshToken", "labelsAssociation", "labelsEdit",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, string> FlagByEvent =
        Catalogue.ToFrozenDictionary(entry => entry.Event, entry => entry.Flag, StringComparer.Ordinal);

    private static readonly FrozenSet<string> Canonical = Catalogue.Select(entry => entry.Flag).ToFrozenSet(StringComparer.Ordinal);

    /// <summary>The canonical flags, in the seed's order.</summary>
    public static IReadOnlyList<string> All { get; } = [.. Catalogue.Select(entry => entry.Flag)];

    /// <summary>
    /// The canonical flag that selects <paramref name="eventName"/>; <c>send.message:START</c> and its
    /// siblings belong to <c>sendMessage</c>. Null for an event outside the seed's list.
    /// </summary>
    public static string? FlagOf(string eventName)
    {
        var colon = eventName.IndexOf(':', StringComparison.Ordinal);
        // "group:participant.update" is a name of its own; only send.message carries a status suffix.
        if (colon > 0 && eventName.StartsWith("send.message:", StringComparison.Ordinal))
            eventName = eventName[..colon];
        return FlagByEvent.GetValueOrDefault(eventName);
    }

    /// <summary>
    /// Turns a request's flags into canonical ones. A canonical key wins over its aliases; among
    /// aliases, <c>true</c> wins, so an alias never switches an event off by accident. Inert names
    /// are dropped; names that are none of these come back in <paramref name="unknown"/>.
    /// </summary>
    public static Dictionary<string, bool> Canonicalize(IReadOnlyDictionary<string, bool> requested, out IReadOnlyList<string> unknown)
    {
        var canonical = new Dictionary<string, bool>(StringComparer.Ordinal);
        var fromAliases = new Dictionary<string, bool>(StringComparer.Ordinal);
        var unknownNames = new List<string>();
        foreach (var (name, value) in requested)
        {
            if (Canonical.Contains(name))
                canonical[name] = value;
            else if (Aliases.TryGetValue(name, out var flag))
                fromAliases[flag] = fromAliases.GetValueOrDefault(flag) || value;
            else if (!Inert.Contains(name))
                unknownNames.Add(name);
        }

        foreach (var (flag, value) in fromAliases)
            canonical.TryAdd(flag, value);
        unknown = unknownNames;
        return canonical;
    }
}
