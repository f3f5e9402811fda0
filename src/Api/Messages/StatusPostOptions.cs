using System.Text.Json;
using CodeChat.Api.Errors;
using CodeChat.Api.Instances;
using CodeChat.Grains.Abstractions.Messages;
using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Proto;

namespace CodeChat.Api.Messages;

/// <summary>
/// A status post through the send routes (our answer to Evolution API v2's <c>sendStatus</c>; CodeChat
/// 1.3 has none): <c>number: "status@broadcast"</c> on sendText, sendMedia/sendMediaFile (image, video,
/// audio) or sendWhatsAppAudio(File), with its audience in <c>options.statusJidList</c> (numbers or user
/// JIDs) or <c>options.allContacts: true</c>, and for a text <c>options.backgroundColor</c> and
/// <c>options.font</c> (one of <see cref="Fonts"/>). Each wrong or misplaced option is a failure naming it.
/// </summary>
public static class StatusPostOptions
{
    /// <summary>The recipient of a status post.</summary>
    public const string StatusJid = "status@broadcast";

    /// <summary>
    /// The values <c>options.font</c> takes: those WhatsApp's <c>ExtendedTextMessage.FontType</c> defines
    /// (whatsmeow proto/waE2E and Baileys 7 WAProto alike: 0–2 and 6–10; the old 3–5 are gone).
    /// </summary>
    public static IReadOnlyList<int> Fonts { get; } = [.. Enum.GetValues<ExtendedTextMessage.Types.FontType>().Select(font => (int)font).Order()];

    /// <summary>Whether <paramref name="number"/> is the status recipient.</summary>
    public static bool IsStatus(string? number) => string.Equals(number?.Trim(), StatusJid, StringComparison.OrdinalIgnoreCase);

    /// <summary><paramref name="result"/> with the status options of <paramref name="options"/> read into it.</summary>
    public static SendOptions Read(JsonElement options, SendOptions result, List<ValidationFailure> failures)
    {
        result = result with { StatusJidList = ReadAudience(options, failures) ?? [] };
        if (SendRequestValues.TryGetPresent(options, "allContacts", out var all))
        {
            if (SendRequestValues.TryGetBool(all, out var flag))
                result = result with { StatusAllContacts = flag };
            else
                failures.Add(new ValidationFailure("options.allContacts", "allContacts is not of a type(s) boolean"));
        }
        if (SendRequestValues.TryGetPresent(options, "backgroundColor", out var color))
        {
            if (JsonRequestBody.TryGetString(color, out var text) && StatusBackgroundColor.TryParse(text, out var argb))
                result = result with { StatusBackgroundArgb = argb };
            else
                failures.Add(new ValidationFailure("options.backgroundColor", "backgroundColor must be #RRGGBB or #AARRGGBB"));
        }
        if (SendRequestValues.TryGetPresent(options, "font", out var font))
        {
            if (SendRequestValues.TryGetInt(font, out var number) && number is >= 0 and <= int.MaxValue && Fonts.Contains((int)number))
                result = result with { StatusFont = (int)number };
            else
                failures.Add(new ValidationFailure("options.font", $"font must be one of {string.Join(", ", Fonts)}"));
        }
        return result;
    }

    /// <summary>
    /// Whether the options fit the send: a status post needs an audience (and nothing else takes one);
    /// the text style is for a text status only; a status is a text, an image, a video or audio.
    /// </summary>
    public static void Check(string? number, bool isText, SendOptions options, List<ValidationFailure> failures)
    {
        if (!IsStatus(number))
        {
            if (options.StatusJidList.Count > 0)
                failures.Add(new ValidationFailure("options.statusJidList", "statusJidList is only for a status post (number status@broadcast)"));
            if (options.StatusAllContacts)
                failures.Add(new ValidationFailure("options.allContacts", "allContacts is only for a status post (number status@broadcast)"));
            AddStyleFailures(options, "a status post (number status@broadcast)", failures);
            return;
        }
        if (options.StatusAllContacts && options.StatusJidList.Count > 0)
            failures.Add(new ValidationFailure("options.statusJidList", "Give either statusJidList or allContacts, not both"));
        else if (!options.StatusAllContacts && options.StatusJidList.Count == 0 && !failures.Exists(f => f.Property.StartsWith("options.statusJidList", StringComparison.Ordinal)))
            failures.Add(new ValidationFailure("options.statusJidList", "A status post needs its audience: options.statusJidList (numbers) or options.allContacts: true"));
        if (!isText)
            AddStyleFailures(options, "a text status (sendText)", failures);
    }

    private static void AddStyleFailures(SendOptions options, string only, List<ValidationFailure> failures)
    {
        if (options.StatusBackgroundArgb is not null)
            failures.Add(new ValidationFailure("options.backgroundColor", $"backgroundColor is only for {only}"));
        if (options.StatusFont is not null)
            failures.Add(new ValidationFailure("options.font", $"font is only for {only}"));
    }

    private static List<string>? ReadAudience(JsonElement options, List<ValidationFailure> failures)
    {
        if (!SendRequestValues.TryGetPresent(options, "statusJidList", out var list))
            return null;
        if (SendQueueEndpoints.AsList(list) is not { Count: > 0 } items)
        {
            failures.Add(new ValidationFailure("options.statusJidList", "statusJidList must be a non-empty array of numbers or JIDs"));
            return null;
        }
        var audience = new List<string>();
        var index = 0;
        foreach (var item in items)
        {
            if (JsonRequestBody.TryGetString(item, out var text) && MessageEndpoints.IsSendableNumber(text)
                && RecipientJid.TryParse(text, out var jid) && (jid.IsUserPn || jid.IsLid))
                audience.Add(text);
            else
                failures.Add(new ValidationFailure($"options.statusJidList[{index}]", "Invalid format: a phone number or a user JID"));
            index++;
        }
        return audience;
    }
}
