using Google.Protobuf;
using Google.Protobuf.Reflection;
using WaMessage = CodeChat.WhatsApp.Proto.Message;

namespace CodeChat.Grains.Messages;

/// <summary>
/// What a <c>waE2E.Message</c> is for the API: its CodeChat type (the name of the content field, e.g.
/// <c>conversation</c>, <c>extendedTextMessage</c>, <c>imageMessage</c>) and its JSON (protobuf's JSON
/// mapping: field names in lowerCamelCase, bytes as base64, 64-bit numbers as strings).
/// </summary>
public sealed record MessageContent(string MessageType, string Json, bool IsProtocolOnly)
{
    // Fields that travel beside the content and never are the content (Baileys' getContentType
    // skips the same kinds: context info and sender-key distribution).
    private static readonly HashSet<int> CarrierFields =
    [
        WaMessage.SenderKeyDistributionMessageFieldNumber,
        WaMessage.FastRatchetKeySenderKeyDistributionMessageFieldNumber,
        WaMessage.MessageContextInfoFieldNumber,
    ];

    // Wrappers whose inner message is the content (ephemeral chats, view once, documents with a
    // caption, edits): the type is the inner one, as Baileys' normalizeMessageContent reports it.
    private static readonly HashSet<int> WrapperFields =
    [
        WaMessage.EphemeralMessageFieldNumber,
        WaMessage.ViewOnceMessageFieldNumber,
        WaMessage.ViewOnceMessageV2FieldNumber,
        WaMessage.ViewOnceMessageV2ExtensionFieldNumber,
        WaMessage.DocumentWithCaptionMessageFieldNumber,
        WaMessage.EditedMessageFieldNumber,
        WaMessage.GroupMentionedMessageFieldNumber,
        WaMessage.LottieStickerMessageFieldNumber,
    ];

    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(false));

    /// <summary>
    /// The type and JSON of <paramref name="message"/>. A message carrying only a protocol message
    /// (revoke, history-sync notice, key share…) or nothing but carriers is <see cref="IsProtocolOnly"/>:
    /// it updates other messages or the session, it is not a new message of the chat.
    /// </summary>
    public static MessageContent From(WaMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var type = ContentType(message) ?? "unknown";
        return new MessageContent(type, Formatter.Format(message), type is "protocolMessage" or "unknown");
    }

    private static string? ContentType(WaMessage message)
    {
        for (var depth = 0; depth < 4; depth++)
        {
            FieldDescriptor? content = null;
            foreach (var field in WaMessage.Descriptor.Fields.InFieldNumberOrder())
            {
                if (CarrierFields.Contains(field.FieldNumber) || !IsSet(field, message))
                    continue;
                content = field;
                break;
            }
            if (content is null)
                return null;
            if (!WrapperFields.Contains(content.FieldNumber))
                return content.JsonName;
            // FutureProofMessage { Message message = 1; }
            if (content.Accessor.GetValue(message) is not IMessage wrapper
                || wrapper.Descriptor.FindFieldByNumber(1)?.Accessor.GetValue(wrapper) is not WaMessage inner)
                return content.JsonName;
            message = inner;
        }
        return null;
    }

    private static bool IsSet(FieldDescriptor field, WaMessage message) =>
        field.HasPresence ? field.Accessor.HasValue(message) : field.Accessor.GetValue(message) is not null;
}
