using System.Text.Json;
using System.Text.RegularExpressions;
using CodeChat.Api.Errors;
using CodeChat.Api.Instances;
using CodeChat.WhatsApp.Binary;
using Microsoft.AspNetCore.Http;

namespace CodeChat.Api.Groups;

/// <summary>
/// The group routes' inputs (codechat-api.md §6): the <c>groupJid</c> query with 1.3's message when it is
/// missing, and participant lists (numbers of at least 10 digits, or user JIDs; unique).
/// </summary>
internal static partial class GroupRequestReader
{
    /// <summary>1.3's answer to a group route called without <c>groupJid</c>.</summary>
    public static IResult MissingGroupJid() => ApiErrors.Of(StatusCodes.Status400BadRequest,
        "The group id needs to be informed in the query", "ex: \"groupJid=120362@g.us\"");

    /// <summary>The group JID of the query (<c>^[\d-]+@g.us$</c>, the suffix may be left out), or the 400 to answer.</summary>
    public static (string? GroupJid, IResult? Error) GroupJid(string? query)
    {
        var value = query?.Trim() ?? "";
        if (value.Length == 0)
            return (null, MissingGroupJid());
        if (!GroupJidPattern().IsMatch(value))
            return (null, ApiErrors.Invalid(new ValidationFailure("groupJid", "groupJid must be a group id like 120363025246125486@g.us")));
        return (value.EndsWith("@g.us", StringComparison.Ordinal) ? value : value + "@g.us", null);
    }

    /// <summary>A required non-empty string property, or the failure naming it.</summary>
    public static (string? Value, ValidationFailure? Failure) RequiredString(JsonElement body, string property)
    {
        if (!body.TryGetProperty(property, out var element) || element.ValueKind == JsonValueKind.Null)
            return (null, JsonRequestBody.Missing(property));
        if (!JsonRequestBody.TryGetString(element, out var text))
            return (null, JsonRequestBody.NotAString(property));
        return text.Trim().Length == 0 ? (null, new ValidationFailure(property, $"{property} must not be empty")) : (text, null);
    }

    /// <summary>The <c>participants</c> array: each a number of at least 10 digits or a user JID, none repeated.</summary>
    public static (IReadOnlyList<string> Participants, List<ValidationFailure> Failures) Participants(JsonElement body)
    {
        var failures = new List<ValidationFailure>();
        if (!body.TryGetProperty("participants", out var element) || element.ValueKind == JsonValueKind.Null)
            return ([], [JsonRequestBody.Missing("participants")]);
        if (element.ValueKind != JsonValueKind.Array || element.GetArrayLength() == 0)
            return ([], [new ValidationFailure("participants", "participants must be a non-empty array of numbers")]);
        var participants = new List<string>();
        var index = 0;
        foreach (var item in element.EnumerateArray())
        {
            if (JsonRequestBody.TryGetString(item, out var text) && IsParticipant(text.Trim()))
                participants.Add(text.Trim());
            else
                failures.Add(new ValidationFailure($"participants[{index}]", "Invalid format: a number with at least 10 digits or a user JID"));
            index++;
        }
        if (participants.Distinct(StringComparer.Ordinal).Count() != participants.Count)
            failures.Add(new ValidationFailure("participants", "participants contains duplicate item"));
        return (participants, failures);
    }

    private static bool IsParticipant(string text) =>
        text.Contains('@', StringComparison.Ordinal)
            ? RecipientJid.TryParse(text, out var jid) && (jid.IsUserPn || jid.IsLid)
            : text.Length >= 10 && text.All(c => char.IsAsciiDigit(c) || c == '+') && RecipientJid.TryParse(text, out _);

    [GeneratedRegex(@"^[\d-]+(@g\.us)?$")]
    private static partial Regex GroupJidPattern();
}
