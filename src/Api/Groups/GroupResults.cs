using CodeChat.Api.Errors;
using CodeChat.Api.Json;
using CodeChat.Grains.Abstractions.Groups;
using Microsoft.AspNetCore.Http;

namespace CodeChat.Api.Groups;

/// <summary>
/// Group call outcomes as HTTP answers. WhatsApp's refusals get a clear status (api-contract.md §6 group
/// decisions): not an admin / not a participant → 403, no such group → 404, bad or revoked invite code →
/// 400 naming <c>inviteCode</c>, a crossing change → 409, anything else WhatsApp refused → 400 with its code.
/// </summary>
internal static class GroupResults
{
    public static IResult Answer<T>(string instanceName, GroupResult<T> result, Func<T, IResult> done) => result.Outcome switch
    {
        GroupOutcome.Done => done(result.Value!),
        GroupOutcome.InstanceNotFound => ApiErrors.InstanceNotFound(),
        GroupOutcome.NotConnected => ApiErrors.Of(StatusCodes.Status400BadRequest, $"The \"{instanceName}\" instance is not connected"),
        GroupOutcome.GroupNotFound => ApiErrors.Of(StatusCodes.Status404NotFound, "Group not found"),
        GroupOutcome.NotParticipant => ApiErrors.Of(StatusCodes.Status403Forbidden, "The instance is not a participant of this group"),
        GroupOutcome.NotAdmin => ApiErrors.Of(StatusCodes.Status403Forbidden, "Only group admins can do this"),
        GroupOutcome.InvalidInviteCode => ApiErrors.Invalid(new ValidationFailure("inviteCode", "The invite code is not valid")),
        GroupOutcome.InviteCodeRevoked => ApiErrors.Invalid(new ValidationFailure("inviteCode", "The invite code was revoked")),
        GroupOutcome.Conflict => ApiErrors.Of(StatusCodes.Status409Conflict, "The group changed meanwhile; retry"),
        GroupOutcome.Refused => ApiErrors.Of(StatusCodes.Status400BadRequest, $"WhatsApp refused the request ({result.ServerCode} {result.Detail})".TrimEnd()),
        _ => throw new InvalidOperationException($"Unexpected group outcome {result.Outcome}."),
    };

    public static IResult Json(object value, int status = StatusCodes.Status200OK) => Results.Json(value, ApiJson.Options, statusCode: status);

    public static IResult Created(object value) => Json(value, StatusCodes.Status201Created);
}
