using System.Text.Json;
using CodeChat.Api.Errors;
using CodeChat.Api.Instances;
using CodeChat.Grains.Abstractions.Groups;
using CodeChat.Media.Preparation;
using CodeChat.Media.Sources;
using CodeChat.WhatsApp.Crypto;
using Microsoft.AspNetCore.Http;

namespace CodeChat.Api.Groups;

/// <summary>The handlers of <see cref="GroupEndpoints"/>: read and check the input, call the grain, shape 1.3's answers.</summary>
internal static class GroupHandlers
{
    /// <summary>WhatsApp's group pictures are at most 640×640 (Baileys generateProfilePicture resizes to that).</summary>
    private const int PictureSize = 640;

    private static readonly int[] EphemeralDurations = [0, 86400, 604800, 7776000];

    public static async Task<IResult> CreateAsync(string instanceName, HttpContext http, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var (body, malformed) = await JsonRequestBody.ReadObjectAsync(http.Request, cancellationToken);
        if (malformed is not null)
            return ApiErrors.Invalid(malformed);
        var (subject, subjectFailure) = GroupRequestReader.RequiredString(body, "subject");
        var (participants, failures) = GroupRequestReader.Participants(body);
        var (description, descriptionFailure) = JsonRequestBody.OptionalNonEmptyString(body, "description");
        failures.InsertRange(0, new[] { subjectFailure, descriptionFailure }.OfType<ValidationFailure>());
        if (failures.Count > 0)
            return ApiErrors.Invalid([.. failures]);

        var result = await Groups(grains, instanceName).CreateGroupAsync(subject!, participants, description, cancellationToken);
        return GroupResults.Answer(instanceName, result, metadata => GroupResults.Created(new { groupMetadata = metadata }));
    }

    public static async Task<IResult> UpdatePictureAsync(
        string instanceName, string? groupJid, HttpContext http, IGrainFactory grains, MediaSourceReader reader, CancellationToken cancellationToken)
    {
        var (group, body, error) = await GroupAndBodyAsync(groupJid, http, cancellationToken);
        if (error is not null)
            return error;
        var (image, failure) = GroupRequestReader.RequiredString(body, "image");
        if (failure is not null)
            return ApiErrors.Invalid(failure);

        byte[] jpeg;
        try
        {
            await using var source = await reader.ReadAsync(image!, null, MediaType.Image, "image", cancellationToken);
            if (ImageThumbnailer.Describe(source.Path, PictureSize, PictureSize) is not { } picture)
                return ApiErrors.Invalid(new ValidationFailure("image", "image is not a picture this server can read"));
            jpeg = picture.JpegThumbnail;
        }
        catch (MediaTooLargeException tooLarge)
        {
            return ApiErrors.Of(StatusCodes.Status413PayloadTooLarge, new ValidationFailure(tooLarge.Field, tooLarge.Message));
        }
        catch (MediaInputException invalid)
        {
            return ApiErrors.Invalid(new ValidationFailure(invalid.Field, invalid.Message));
        }
        return await UpdateAsync(instanceName, group!, new GroupUpdateCommand(GroupUpdateKind.Picture, Picture: jpeg), grains, cancellationToken);
    }

    public static async Task<IResult> FindGroupAsync(string instanceName, string? groupJid, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var (group, error) = GroupRequestReader.GroupJid(groupJid);
        if (error is not null)
            return error;
        var result = await Groups(grains, instanceName).FindGroupAsync(group!, cancellationToken);
        return GroupResults.Answer(instanceName, result, metadata => GroupResults.Json(metadata));
    }

    public static async Task<IResult> FindAllGroupsAsync(string instanceName, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var result = await Groups(grains, instanceName).FindAllGroupsAsync(cancellationToken);
        return GroupResults.Answer(instanceName, result, groups => GroupResults.Json(groups.ToDictionary(g => g.Id, g => g, StringComparer.Ordinal)));
    }

    public static async Task<IResult> ParticipantsAsync(string instanceName, string? groupJid, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var (group, error) = GroupRequestReader.GroupJid(groupJid);
        if (error is not null)
            return error;
        var result = await Groups(grains, instanceName).FindGroupAsync(group!, cancellationToken);
        return GroupResults.Answer(instanceName, result, metadata => GroupResults.Json(new { participants = metadata.Participants }));
    }

    public static async Task<IResult> InviteCodeAsync(string instanceName, string? groupJid, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var (group, error) = GroupRequestReader.GroupJid(groupJid);
        if (error is not null)
            return error;
        var result = await Groups(grains, instanceName).GetInviteCodeAsync(group!, revoke: false, cancellationToken);
        return GroupResults.Answer(instanceName, result, code => GroupResults.Json(new { inviteUrl = "https://chat.whatsapp.com/" + code, inviteCode = code }));
    }

    public static async Task<IResult> RevokeInviteCodeAsync(string instanceName, string? groupJid, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var (group, error) = GroupRequestReader.GroupJid(groupJid);
        if (error is not null)
            return error;
        var result = await Groups(grains, instanceName).GetInviteCodeAsync(group!, revoke: true, cancellationToken);
        return GroupResults.Answer(instanceName, result, code => GroupResults.Created(new { revoked = true, inviteCode = code }));
    }

    public static async Task<IResult> UpdateParticipantsAsync(string instanceName, string? groupJid, HttpContext http, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var (group, body, error) = await GroupAndBodyAsync(groupJid, http, cancellationToken);
        if (error is not null)
            return error;
        var (actionText, actionFailure) = GroupRequestReader.RequiredString(body, "action");
        var (participants, failures) = GroupRequestReader.Participants(body);
        GroupParticipantCommand? action = actionText switch
        {
            "add" => GroupParticipantCommand.Add,
            "remove" => GroupParticipantCommand.Remove,
            "promote" => GroupParticipantCommand.Promote,
            "demote" => GroupParticipantCommand.Demote,
            _ => null,
        };
        if (actionFailure is not null)
            failures.Insert(0, actionFailure);
        else if (action is null)
            failures.Insert(0, new ValidationFailure("action", "action must be one of: add, remove, promote, demote"));
        if (failures.Count > 0)
            return ApiErrors.Invalid([.. failures]);

        var result = await Groups(grains, instanceName).UpdateParticipantsAsync(group!, action!.Value, participants, cancellationToken);
        return GroupResults.Answer(instanceName, result, updates => GroupResults.Created(new { updateParticipants = updates }));
    }

    public static async Task<IResult> LeaveAsync(string instanceName, string? groupJid, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var (group, error) = GroupRequestReader.GroupJid(groupJid);
        if (error is not null)
            return error;
        var result = await Groups(grains, instanceName).LeaveGroupAsync(group!, cancellationToken);
        return GroupResults.Answer(instanceName, result, _ => GroupResults.Json(new { groupJid = group, leave = true }));
    }

    public static async Task<IResult> UpdateSubjectAsync(string instanceName, string? groupJid, HttpContext http, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var (group, body, error) = await GroupAndBodyAsync(groupJid, http, cancellationToken);
        if (error is not null)
            return error;
        var (subject, failure) = GroupRequestReader.RequiredString(body, "subject");
        return failure is not null
            ? ApiErrors.Invalid(failure)
            : await UpdateAsync(instanceName, group!, new GroupUpdateCommand(GroupUpdateKind.Subject, subject), grains, cancellationToken);
    }

    public static async Task<IResult> UpdateDescriptionAsync(string instanceName, string? groupJid, HttpContext http, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var (group, body, error) = await GroupAndBodyAsync(groupJid, http, cancellationToken);
        if (error is not null)
            return error;
        if (!body.TryGetProperty("description", out var element))
            return ApiErrors.Invalid(JsonRequestBody.Missing("description"));
        string? description = null;
        if (element.ValueKind != JsonValueKind.Null && !JsonRequestBody.TryGetString(element, out description))
            return ApiErrors.Invalid(JsonRequestBody.NotAString("description"));
        return await UpdateAsync(instanceName, group!, new GroupUpdateCommand(GroupUpdateKind.Description, description), grains, cancellationToken);
    }

    public static async Task<IResult> UpdateSettingAsync(string instanceName, string? groupJid, HttpContext http, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var (group, body, error) = await GroupAndBodyAsync(groupJid, http, cancellationToken);
        if (error is not null)
            return error;
        var (setting, failure) = GroupRequestReader.RequiredString(body, "action");
        if (failure is not null)
            return ApiErrors.Invalid(failure);
        if (setting is not ("announcement" or "not_announcement" or "locked" or "unlocked"))
            return ApiErrors.Invalid(new ValidationFailure("action", "action must be one of: announcement, not_announcement, locked, unlocked"));
        return await UpdateAsync(instanceName, group!, new GroupUpdateCommand(GroupUpdateKind.Setting, setting), grains, cancellationToken);
    }

    public static async Task<IResult> ToggleEphemeralAsync(string instanceName, string? groupJid, HttpContext http, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var (group, body, error) = await GroupAndBodyAsync(groupJid, http, cancellationToken);
        if (error is not null)
            return error;
        if (!body.TryGetProperty("expiration", out var element))
            return ApiErrors.Invalid(JsonRequestBody.Missing("expiration"));
        if (!Messages.SendRequestValues.TryGetInt(element, out var seconds) || !EphemeralDurations.Contains((int)Math.Clamp(seconds, -1, int.MaxValue)))
            return ApiErrors.Invalid(new ValidationFailure("expiration", "expiration must be 0, 86400, 604800 or 7776000 (seconds)"));
        return await UpdateAsync(instanceName, group!, new GroupUpdateCommand(GroupUpdateKind.Ephemeral, Seconds: (int)seconds), grains, cancellationToken);
    }

    public static async Task<IResult> InviteInfoAsync(string instanceName, string? inviteCode, IGrainFactory grains, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(inviteCode))
            return ApiErrors.Invalid(new ValidationFailure("inviteCode", "The invite code needs to be informed in the query: inviteCode=<code>"));
        var result = await Groups(grains, instanceName).GetInviteInfoAsync(inviteCode, cancellationToken);
        return GroupResults.Answer(instanceName, result, metadata => GroupResults.Json(metadata));
    }

    public static async Task<IResult> AcceptInviteAsync(string instanceName, HttpContext http, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var (body, malformed) = await JsonRequestBody.ReadObjectAsync(http.Request, cancellationToken);
        if (malformed is not null)
            return ApiErrors.Invalid(malformed);
        var (code, failure) = GroupRequestReader.RequiredString(body, "inviteCode");
        if (failure is not null)
            return ApiErrors.Invalid(failure);
        var result = await Groups(grains, instanceName).AcceptInviteAsync(code!, cancellationToken);
        return GroupResults.Answer(instanceName, result, group => GroupResults.Created(new { accepted = true, groupJid = group }));
    }

    private static async Task<(string? Group, JsonElement Body, IResult? Error)> GroupAndBodyAsync(string? groupJid, HttpContext http, CancellationToken cancellationToken)
    {
        var (group, error) = GroupRequestReader.GroupJid(groupJid);
        if (error is not null)
            return (null, default, error);
        var (body, malformed) = await JsonRequestBody.ReadObjectAsync(http.Request, cancellationToken);
        return malformed is not null ? (null, body, ApiErrors.Invalid(malformed)) : (group, body, null);
    }

    private static async Task<IResult> UpdateAsync(string instanceName, string group, GroupUpdateCommand update, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var result = await Groups(grains, instanceName).UpdateGroupAsync(group, update, cancellationToken);
        return GroupResults.Answer(instanceName, result, _ => GroupResults.Created(new { update = "success" }));
    }

    private static IInstanceGroupGrain Groups(IGrainFactory grains, string instanceName) => grains.GetGrain<IInstanceGroupGrain>(instanceName);
}
