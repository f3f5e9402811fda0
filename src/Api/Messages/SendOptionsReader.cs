using System.Text;
using System.Text.Json;
using CodeChat.Api.Errors;
using CodeChat.Api.Instances;
using CodeChat.Grains.Abstractions.Messages;
using CodeChat.WhatsApp.Binary;

namespace CodeChat.Api.Messages;

/// <summary>
/// The <c>options</c> every send route shares (api-contract.md §2, the seed's options object):
/// <c>delay</c> (ms, or <c>[min,max]</c>), <c>presence</c>, <c>quoted.messageId</c> and 1.3's
/// <c>quotedMessageId</c>, <c>mentions {everyone|everyOne, ghostMention, mentioned[]}</c> (the seed's
/// top-level <c>options.everyone</c>/<c>options.ghostMention</c> as aliases; <c>mentions.*</c> wins),
/// <c>messageId</c> and <c>externalAttributes</c> (at most 64 KB of JSON, else 413), and a status
/// post's <c>statusJidList</c>, <c>allContacts</c>, <c>backgroundColor</c> and <c>font</c> (<see cref="StatusPostOptions"/>).
/// Each bad field is a failure naming it.
/// </summary>
public static class SendOptionsReader
{
    /// <summary>The largest <c>externalAttributes</c>, as UTF-8 JSON (api-contract.md §6 limits).</summary>
    public const int MaxExternalAttributesBytes = 64 * 1024;

    /// <summary>The longest delay a caller may ask for (5 minutes): a longer one is a mistake, not a plan.</summary>
    public const int MaxDelayMilliseconds = 300_000;

    private static readonly string[] Presences = ["composing", "recording", "paused", "available", "unavailable"];

    /// <summary>The options of <paramref name="body"/>, the fields that are wrong, and whether <c>externalAttributes</c> is over its limit.</summary>
    public static (SendOptions Options, List<ValidationFailure> Failures, bool TooLarge) Read(JsonElement body)
    {
        var failures = new List<ValidationFailure>();
        if (!SendRequestValues.TryGetPresent(body, "options", out var options))
            return (SendOptions.None, failures, false);
        if (options.ValueKind != JsonValueKind.Object)
        {
            failures.Add(new ValidationFailure("options", "options is not of a type(s) object"));
            return (SendOptions.None, failures, false);
        }

        var result = new SendOptions
        {
            Delay = ReadDelay(options, failures),
            Presence = ReadPresence(options, failures),
            QuotedMessageId = ReadQuoted(options, failures),
            QuotedStoredId = ReadQuotedStoredId(options, failures),
            MessageId = ReadMessageId(options, failures),
        };
        result = ReadMentions(options, result, failures);
        result = StatusPostOptions.Read(options, result, failures);

        var tooLarge = false;
        if (SendRequestValues.TryGetPresent(options, "externalAttributes", out var attributes))
        {
            var raw = attributes.GetRawText();
            tooLarge = Encoding.UTF8.GetByteCount(raw) > MaxExternalAttributesBytes;
            result = result with { ExternalAttributesJson = raw };
        }
        return (result, failures, tooLarge);
    }

    private static SendDelay? ReadDelay(JsonElement options, List<ValidationFailure> failures)
    {
        if (!SendRequestValues.TryGetPresent(options, "delay", out var delay))
            return null;
        if (delay.ValueKind == JsonValueKind.Array)
        {
            var bounds = delay.EnumerateArray().ToList();
            if (bounds.Count == 2 && SendRequestValues.TryGetInt(bounds[0], out var min) && SendRequestValues.TryGetInt(bounds[1], out var max)
                && min >= 0 && max >= min && max <= MaxDelayMilliseconds)
                return new SendDelay((int)min, (int)max);
            failures.Add(new ValidationFailure("options.delay",
                $"delay must be milliseconds (0 to {MaxDelayMilliseconds}) or [min, max] with min ≤ max"));
            return null;
        }
        if (SendRequestValues.TryGetInt(delay, out var milliseconds) && milliseconds is >= 0 and <= MaxDelayMilliseconds)
            return new SendDelay((int)milliseconds, (int)milliseconds);
        failures.Add(new ValidationFailure("options.delay", $"delay must be milliseconds (0 to {MaxDelayMilliseconds}) or [min, max] with min ≤ max"));
        return null;
    }

    private static string? ReadPresence(JsonElement options, List<ValidationFailure> failures)
    {
        if (!SendRequestValues.TryGetPresent(options, "presence", out var presence))
            return null;
        if (JsonRequestBody.TryGetString(presence, out var text) && Presences.Contains(text, StringComparer.Ordinal))
            return text;
        failures.Add(new ValidationFailure("options.presence", "presence is not one of enum values: " + string.Join(',', Presences)));
        return null;
    }

    private static string? ReadQuoted(JsonElement options, List<ValidationFailure> failures)
    {
        if (!SendRequestValues.TryGetPresent(options, "quoted", out var quoted))
            return null;
        if (quoted.ValueKind == JsonValueKind.Object
            && SendRequestValues.TryGetPresent(quoted, "messageId", out var id)
            && JsonRequestBody.TryGetString(id, out var text) && text.Length > 0)
            return text;
        failures.Add(new ValidationFailure("options.quoted.messageId", "quoted requires property \"messageId\" (the WhatsApp id of a stored message)"));
        return null;
    }

    private static long? ReadQuotedStoredId(JsonElement options, List<ValidationFailure> failures)
    {
        if (!SendRequestValues.TryGetPresent(options, "quotedMessageId", out var quoted))
            return null;
        if (SendRequestValues.TryGetInt(quoted, out var id) && id > 0)
            return id;
        failures.Add(new ValidationFailure("options.quotedMessageId", "quotedMessageId is not of a type(s) integer"));
        return null;
    }

    private static string? ReadMessageId(JsonElement options, List<ValidationFailure> failures)
    {
        if (!SendRequestValues.TryGetPresent(options, "messageId", out var id))
            return null;
        // WhatsApp ids are short ASCII tokens (hex from phones, ULIDs from CodeChat).
        if (JsonRequestBody.TryGetString(id, out var text) && text.Length is > 0 and <= 128
            && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            return text;
        failures.Add(new ValidationFailure("options.messageId", "messageId must be 1 to 128 letters, digits, '-', '_' or '.'"));
        return null;
    }

    private static SendOptions ReadMentions(JsonElement options, SendOptions result, List<ValidationFailure> failures)
    {
        // The seed's own example puts everyone/ghostMention directly under options: aliases, mentions.* wins.
        var everyone = ReadFlag(options, "options", failures, "everyone", "everyOne");
        var ghost = ReadFlag(options, "options", failures, "ghostMention");
        IReadOnlyList<string> mentioned = [];
        if (SendRequestValues.TryGetPresent(options, "mentions", out var mentions))
        {
            if (mentions.ValueKind != JsonValueKind.Object)
            {
                failures.Add(new ValidationFailure("options.mentions", "mentions is not of a type(s) object"));
                return result;
            }
            everyone = ReadFlag(mentions, "options.mentions", failures, "everyone", "everyOne") ?? everyone;
            ghost = ReadFlag(mentions, "options.mentions", failures, "ghostMention") ?? ghost;
            mentioned = ReadMentioned(mentions, failures);
        }
        return result with
        {
            MentionEveryone = everyone == true,
            GhostMention = ghost == true,
            // "everyone" overrides "mentioned" (the seed's note).
            Mentioned = everyone == true ? [] : mentioned,
        };
    }

    private static bool? ReadFlag(JsonElement parent, string path, List<ValidationFailure> failures, params string[] names)
    {
        foreach (var name in names)
        {
            if (!SendRequestValues.TryGetPresent(parent, name, out var value))
                continue;
            if (SendRequestValues.TryGetBool(value, out var flag))
                return flag;
            failures.Add(new ValidationFailure($"{path}.{name}", $"{name} is not of a type(s) boolean"));
            return null;
        }
        return null;
    }

    private static List<string> ReadMentioned(JsonElement mentions, List<ValidationFailure> failures)
    {
        var numbers = new List<string>();
        if (!SendRequestValues.TryGetPresent(mentions, "mentioned", out var mentioned))
            return numbers;
        if (mentioned.ValueKind != JsonValueKind.Array)
        {
            failures.Add(new ValidationFailure("options.mentions.mentioned", "mentioned is not of a type(s) array"));
            return numbers;
        }
        var index = 0;
        foreach (var item in mentioned.EnumerateArray())
        {
            if (JsonRequestBody.TryGetString(item, out var text) && RecipientJid.TryParse(text, out var jid) && (jid.IsUserPn || jid.IsLid))
                numbers.Add(text);
            else
                failures.Add(new ValidationFailure($"options.mentions.mentioned[{index}]", "Invalid format"));
            index++;
        }
        return numbers;
    }
}
