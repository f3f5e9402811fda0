using CodeChat.Api.Authentication;
using CodeChat.Api.Errors;
using CodeChat.Api.Instances;
using CodeChat.Api.OpenApi;
using CodeChat.Grains.Abstractions.Groups;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CodeChat.Api.Groups;

/// <summary>
/// The <c>/group</c> routes: CodeChat 1.3's (codechat-api.md §6) and the v3/Evolution extras 1.3 lacks
/// (updateSubject, updateDescription, updateSetting, toggleEphemeral, inviteInfo, acceptInviteCode), all
/// on the instance grain's <see cref="IInstanceGroupGrain"/>. Handlers: GroupHandlers.cs.
/// </summary>
public static class GroupEndpoints
{
    internal const string MetadataExample =
        """{"id":"120363025246125486@g.us","subject":"Sales team","subjectOwner":"5531987654321@s.whatsapp.net","subjectOwnerPn":"5531987654321@s.whatsapp.net","subjectTime":1764763200,"owner":"5531987654321@s.whatsapp.net","ownerPn":"5531987654321@s.whatsapp.net","creation":1764763200,"desc":"Weekly numbers","descId":"3EB0C431C26A1916E07E","descOwner":"5531987654321@s.whatsapp.net","descOwnerPn":"5531987654321@s.whatsapp.net","descTime":1764763260,"restrict":false,"announce":false,"isCommunity":false,"isCommunityAnnounce":false,"joinApprovalMode":false,"memberAddMode":false,"ephemeralDuration":null,"size":2,"addressingMode":"pn","participants":[{"id":"5531987654321@s.whatsapp.net","phoneNumber":"5531987654321@s.whatsapp.net","lid":"123456789012345@lid","admin":"superadmin"},{"id":"5511999999999@s.whatsapp.net","phoneNumber":"5511999999999@s.whatsapp.net","lid":"987654321098765@lid","admin":null}]}""";

    private const string UpdatedExample = """{"update":"success"}""";

    public static IEndpointRouteBuilder MapGroupEndpoints(this IEndpointRouteBuilder routes)
    {
        var named = routes.MapGroup("/group").WithTags("Group")
            .AddEndpointFilter<InstanceAccessFilter>()
            .AddEndpointFilter<InstanceNameRouteFilter>();

        named.MapPost("/create/{instanceName}", GroupHandlers.CreateAsync)
            .WithName("createGroup")
            .WithSummary("Create a group with the instance as super admin; description optional (profilePicture accepted and ignored, as 1.3). group.upsert is recorded before the answer")
            .Accepts<CreateGroupRequest>("application/json", UrlEncodedForm.MediaType)
            .WithMetadata(new RequestBodyExample("""{"subject":"Sales team","participants":["5531987654321","5511999999999"],"description":"Weekly numbers"}"""))
            .Produces<object>(StatusCodes.Status201Created)
            .WithMetadata(new ResponseExample(StatusCodes.Status201Created, $$"""{"groupMetadata":{{MetadataExample}}}"""))
            .WithGroupErrors();

        named.MapPut("/updateGroupPicture/{instanceName}", GroupHandlers.UpdatePictureAsync)
            .WithName("updateGroupPicture")
            .WithSummary("Set the group picture from an image URL or base64 (re-encoded as a JPEG of at most 640×640); admins only in locked groups")
            .Accepts<GroupPictureRequest>("application/json", UrlEncodedForm.MediaType)
            .WithMetadata(new RequestBodyExample("""{"image":"https://example.com/logo.png"}"""))
            .WithUpdated();

        named.MapGet("/findGroupInfos/{instanceName}", GroupHandlers.FindGroupAsync)
            .WithName("findGroupInfos")
            .WithSummary("The group's metadata (Baileys GroupMetadata; every participant with its phone JID and LID when known, and the addressing mode)")
            .Produces<object>()
            .WithMetadata(new ResponseExample(StatusCodes.Status200OK, MetadataExample))
            .WithGroupErrors();

        named.MapGet("/findAllGroups/{instanceName}", GroupHandlers.FindAllGroupsAsync)
            .WithName("findAllGroups")
            .WithSummary("Every group the instance is in, as an object keyed by group JID")
            .Produces<object>()
            .WithMetadata(new ResponseExample(StatusCodes.Status200OK, $$"""{"120363025246125486@g.us":{{MetadataExample}}}"""))
            .WithGroupErrors();

        named.MapGet("/participants/{instanceName}", GroupHandlers.ParticipantsAsync)
            .WithName("groupParticipants")
            .WithSummary("The group's participants: id, phoneNumber, lid, admin (admin / superadmin / null)")
            .Produces<object>()
            .WithMetadata(new ResponseExample(StatusCodes.Status200OK,
                """{"participants":[{"id":"5531987654321@s.whatsapp.net","phoneNumber":"5531987654321@s.whatsapp.net","lid":"123456789012345@lid","admin":"superadmin"}]}"""))
            .WithGroupErrors();

        named.MapGet("/inviteCode/{instanceName}", GroupHandlers.InviteCodeAsync)
            .WithName("inviteCode")
            .WithSummary("The group's invite link and code (admins only)")
            .Produces<object>()
            .WithMetadata(new ResponseExample(StatusCodes.Status200OK, """{"inviteUrl":"https://chat.whatsapp.com/Fd4hZ1m2Q7vK9xYbTr3LpA","inviteCode":"Fd4hZ1m2Q7vK9xYbTr3LpA"}"""))
            .WithGroupErrors();

        named.MapPut("/revokeInviteCode/{instanceName}", GroupHandlers.RevokeInviteCodeAsync)
            .WithName("revokeInviteCode")
            .WithSummary("Invalidate the invite link; answers the new code (admins only)")
            .Produces<object>(StatusCodes.Status201Created)
            .WithMetadata(new ResponseExample(StatusCodes.Status201Created, """{"revoked":true,"inviteCode":"Kq2Lp9Xv4Rt7Yb1Mn8Zc3D"}"""))
            .WithGroupErrors();

        named.MapPut("/updateParticipant/{instanceName}", GroupHandlers.UpdateParticipantsAsync)
            .WithName("updateParticipant")
            .WithSummary("Add, remove, promote or demote participants (admins only); one status per participant: 200 done, 403 the user only accepts an invite (inviteCode given), 404 not on WhatsApp / not a member, 409 already a member")
            .Accepts<UpdateParticipantsRequest>("application/json", UrlEncodedForm.MediaType)
            .WithMetadata(new RequestBodyExample("""{"action":"add","participants":["5531987654321","5511999999999"]}"""))
            .Produces<object>(StatusCodes.Status201Created)
            .WithMetadata(new ResponseExample(StatusCodes.Status201Created,
                """{"updateParticipants":[{"status":"200","jid":"5531987654321@s.whatsapp.net","phoneNumber":"5531987654321@s.whatsapp.net","lid":"123456789012345@lid"},{"status":"409","jid":"5511999999999@s.whatsapp.net","phoneNumber":"5511999999999@s.whatsapp.net","lid":null}]}"""))
            .WithGroupErrors();

        named.MapDelete("/leaveGroup/{instanceName}", GroupHandlers.LeaveAsync)
            .WithName("leaveGroup")
            .WithSummary("Leave the group")
            .Produces<object>()
            .WithMetadata(new ResponseExample(StatusCodes.Status200OK, """{"groupJid":"120363025246125486@g.us","leave":true}"""))
            .WithGroupErrors();

        named.MapPut("/updateSubject/{instanceName}", GroupHandlers.UpdateSubjectAsync)
            .WithName("updateGroupSubject")
            .WithSummary("Change the subject (admins only in locked groups); members get group.update")
            .Accepts<GroupSubjectRequest>("application/json", UrlEncodedForm.MediaType)
            .WithMetadata(new RequestBodyExample("""{"subject":"Sales team 2026"}"""))
            .WithUpdated();

        named.MapPut("/updateDescription/{instanceName}", GroupHandlers.UpdateDescriptionAsync)
            .WithName("updateGroupDescription")
            .WithSummary("Change the description; an empty or null description removes it (admins only in locked groups)")
            .Accepts<GroupDescriptionRequest>("application/json", UrlEncodedForm.MediaType)
            .WithMetadata(new RequestBodyExample("""{"description":"Weekly numbers, every Monday"}"""))
            .WithUpdated();

        named.MapPut("/updateSetting/{instanceName}", GroupHandlers.UpdateSettingAsync)
            .WithName("updateGroupSetting")
            .WithSummary("announcement: only admins send; not_announcement: everyone sends; locked: only admins edit the info; unlocked: everyone does (admins only)")
            .Accepts<GroupSettingRequest>("application/json", UrlEncodedForm.MediaType)
            .WithMetadata(new RequestBodyExample("""{"action":"announcement"}"""))
            .WithUpdated();

        named.MapPut("/toggleEphemeral/{instanceName}", GroupHandlers.ToggleEphemeralAsync)
            .WithName("toggleGroupEphemeral")
            .WithSummary("Disappearing messages: expiration in seconds, 0 (off), 86400 (24 h), 604800 (7 days) or 7776000 (90 days)")
            .Accepts<GroupEphemeralRequest>("application/json", UrlEncodedForm.MediaType)
            .WithMetadata(new RequestBodyExample("""{"expiration":604800}"""))
            .WithUpdated();

        named.MapGet("/inviteInfo/{instanceName}", GroupHandlers.InviteInfoAsync)
            .WithName("groupInviteInfo")
            .WithSummary("The group an invite code or link leads to, without joining (query inviteCode)")
            .Produces<object>()
            .WithMetadata(new ResponseExample(StatusCodes.Status200OK, MetadataExample))
            .WithGroupErrors();

        named.MapPut("/acceptInviteCode/{instanceName}", GroupHandlers.AcceptInviteAsync)
            .WithName("acceptGroupInvite")
            .WithSummary("Join the group of an invite code or link; members get group:participant.update (add, reason invite), the instance group.upsert")
            .Accepts<AcceptInviteRequest>("application/json", UrlEncodedForm.MediaType)
            .WithMetadata(new RequestBodyExample("""{"inviteCode":"Fd4hZ1m2Q7vK9xYbTr3LpA"}"""))
            .Produces<object>(StatusCodes.Status201Created)
            .WithMetadata(new ResponseExample(StatusCodes.Status201Created, """{"accepted":true,"groupJid":"120363025246125486@g.us"}"""))
            .WithGroupErrors();

        return routes;
    }

    private static RouteHandlerBuilder WithUpdated(this RouteHandlerBuilder builder) => builder
        .Produces<object>(StatusCodes.Status201Created)
        .WithMetadata(new ResponseExample(StatusCodes.Status201Created, UpdatedExample))
        .WithGroupErrors();

    private static RouteHandlerBuilder WithGroupErrors(this RouteHandlerBuilder builder) => builder
        .ProducesErrors(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden,
            StatusCodes.Status404NotFound, StatusCodes.Status409Conflict)
        .WithMetadata(new ResponseExample(StatusCodes.Status403Forbidden,
            """{"status":403,"error":"Forbidden","message":["Only group admins can do this"]}"""));
}

/// <summary>Bodies of the group routes (for Swagger).</summary>
public sealed record CreateGroupRequest(string Subject, IReadOnlyList<string> Participants, string? Description, string? ProfilePicture);

public sealed record GroupPictureRequest(string Image);

public sealed record UpdateParticipantsRequest(string Action, IReadOnlyList<string> Participants);

public sealed record GroupSubjectRequest(string Subject);

public sealed record GroupDescriptionRequest(string? Description);

public sealed record GroupSettingRequest(string Action);

public sealed record GroupEphemeralRequest(int Expiration);

public sealed record AcceptInviteRequest(string InviteCode);
