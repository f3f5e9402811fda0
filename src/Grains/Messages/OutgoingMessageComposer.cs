using Google.Protobuf;
using Google.Protobuf.Reflection;
using CodeChat.WhatsApp.Proto;
using WaMessage = CodeChat.WhatsApp.Proto.Message;

namespace CodeChat.Grains.Messages;

/// <summary>
/// Puts a send's quote and mentions into the message's own <c>contextInfo</c>, as Baileys 7's
/// <c>generateWAMessageFromContent</c> does for a quote (the quoted message reduced to its content
/// without its own contextInfo, <c>stanzaId</c>, <c>participant</c>, and <c>remoteJid</c> only when
/// it comes from another chat) and its <c>mentions</c> (<c>contextInfo.mentionedJid</c>). A plain
/// <c>conversation</c> cannot carry a contextInfo, so it becomes an <c>extendedTextMessage</c>.
/// </summary>
public static class OutgoingMessageComposer
{
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true));

    /// <summary>The message stored as protobuf JSON (<see cref="MessageContent"/>), back as a message.</summary>
    public static WaMessage FromStoredJson(string contentJson) => Parser.Parse<WaMessage>(contentJson);

    /// <summary>A quote of <paramref name="quoted"/> in chat <paramref name="chat"/>; <paramref name="ownJid"/> is the participant of our own messages.</summary>
    public static ContextInfo Quote(StoredMessage quoted, string chat, string ownJid)
    {
        ArgumentNullException.ThrowIfNull(quoted);
        var content = FromStoredJson(quoted.ContentJson);
        var context = new ContextInfo
        {
            StanzaID = quoted.Key.Id,
            Participant = quoted.Key.FromMe ? ownJid : quoted.Participant ?? quoted.Key.RemoteJid,
            QuotedMessage = ContentOnly(content),
        };
        if (!string.Equals(chat, quoted.Key.RemoteJid, StringComparison.Ordinal))
            context.RemoteJID = quoted.Key.RemoteJid;
        return context;
    }

    /// <summary>
    /// Merges <paramref name="addition"/> into the contextInfo of <paramref name="message"/>'s content
    /// (a conversation first becomes an extended text). False when the content has no contextInfo
    /// (a protocol or reaction message), in which case nothing changed.
    /// </summary>
    public static bool AddContext(WaMessage message, ContextInfo addition)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(addition);
        if (message.HasConversation)
        {
            message.ExtendedTextMessage = new ExtendedTextMessage { Text = message.Conversation };
            message.ClearConversation();
        }
        if (Content(message) is not { } content
            || content.Descriptor.FindFieldByName("contextInfo") is not { } field
            || field.FieldType != FieldType.Message)
            return false;
        var context = field.Accessor.GetValue(content) as ContextInfo ?? new ContextInfo();
        context.MergeFrom(addition);
        field.Accessor.SetValue(content, context);
        return true;
    }

    /// <summary>
    /// Appends <c>@user</c> references to the text (or caption) for every JID the text does not name
    /// yet, so the recipients' apps show each mention (the seed's "everyone" without ghostMention).
    /// </summary>
    public static void AddMentionReferences(WaMessage message, IEnumerable<string> mentionedJids)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.HasConversation)
        {
            message.ExtendedTextMessage = new ExtendedTextMessage { Text = message.Conversation };
            message.ClearConversation();
        }
        if (Content(message) is not { } content)
            return;
        var field = content.Descriptor.FindFieldByName("text") ?? content.Descriptor.FindFieldByName("caption");
        if (field is null || field.FieldType != FieldType.String)
            return;
        var text = field.Accessor.GetValue(content) as string ?? "";
        var missing = mentionedJids
            .Select(jid => "@" + jid[..jid.IndexOf('@', StringComparison.Ordinal)])
            .Where(reference => !text.Contains(reference, StringComparison.Ordinal))
            .ToList();
        if (missing.Count == 0)
            return;
        field.Accessor.SetValue(content, text.Length == 0 ? string.Join(' ', missing) : text + "\n" + string.Join(' ', missing));
    }

    /// <summary>The field that carries the message's content (the first set field that is a message).</summary>
    private static IMessage? Content(WaMessage message)
    {
        foreach (var field in WaMessage.Descriptor.Fields.InFieldNumberOrder())
        {
            if (field.FieldType != FieldType.Message || field.FieldNumber == WaMessage.MessageContextInfoFieldNumber
                || field.FieldNumber == WaMessage.SenderKeyDistributionMessageFieldNumber)
                continue;
            if (field.Accessor.GetValue(message) is IMessage value)
                return value;
        }
        return null;
    }

    private static WaMessage ContentOnly(WaMessage message)
    {
        var copy = message.Clone();
        copy.MessageContextInfo = null;
        if (copy.HasConversation)
            return copy;
        if (Content(copy) is { } content && content.Descriptor.FindFieldByName("contextInfo") is { FieldType: FieldType.Message } field)
            field.Accessor.Clear(content);
        return copy;
    }
}
