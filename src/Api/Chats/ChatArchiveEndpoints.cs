using System.Text.Json;
using CodeChat.Api.Authentication;
using CodeChat.Api.Errors;
using CodeChat.Api.Instances;
using CodeChat.Api.OpenApi;
using CodeChat.Grains.Abstractions.Chats;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CodeChat.Api.Chats;

/// <summary>
/// <c>PUT /chat/archiveChat</c> (codechat-api.md §5): <c>{lastMessage: {key: {id, fromMe, remoteJid,
/// participant?}, messageTimestamp?}, archive}</c> → 200 <c>{chatId, archived}</c>, sent as an app-state
/// patch the phone applies. Unlike 1.3, <c>archived</c> is what was done (1.3 always said true).
/// </summary>
public static class ChatArchiveEndpoints
{
    public static IEndpointRouteBuilder MapChatArchiveEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGroup("/chat").WithTags("Chat")
            .AddEndpointFilter<InstanceAccessFilter>()
            .AddEndpointFilter<InstanceNameRouteFilter>()
            .MapPut("/archiveChat/{instanceName}", ArchiveChatAsync)
            .WithName("archiveChat")
            .WithSummary("Archive or unarchive a chat on every device of the account (an app-state patch the phone applies); " +
                         "lastMessage is the chat's last message")
            .Accepts<object>("application/json")
            .WithMetadata(new RequestBodyExample(
                """{"lastMessage":{"key":{"id":"3EB0C767D26A1D7C6A7B","fromMe":false,"remoteJid":"5531912345678@s.whatsapp.net"},"messageTimestamp":1700000000},"archive":true}"""))
            .Produces<object>()
            .WithMetadata(new ResponseExample(StatusCodes.Status200OK, """{"chatId":"5531912345678@s.whatsapp.net","archived":true}"""))
            .ProducesErrors(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound, StatusCodes.Status500InternalServerError);
        return routes;
    }

    private static async Task<IResult> ArchiveChatAsync(string instanceName, HttpContext http, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var (body, malformed) = await JsonRequestBody.ReadObjectAsync(http.Request, cancellationToken);
        if (malformed is not null)
            return ApiErrors.Invalid(malformed);
        var (request, failure) = Read(body);
        if (request is null)
            return ApiErrors.Invalid(failure!);

        var result = await grains.GetGrain<IInstanceChatGrain>(instanceName).ArchiveChatAsync(request, cancellationToken);
        return result.Outcome switch
        {
            ArchiveChatOutcome.Done => Results.Json(new { chatId = result.ChatId, archived = result.Archived }),
            ArchiveChatOutcome.InstanceNotFound => ApiErrors.InstanceNotFound(),
            ArchiveChatOutcome.NotConnected => ApiErrors.Of(StatusCodes.Status400BadRequest, $"The \"{instanceName}\" instance does not exist or is not connected"),
            // 1.3's failure body: [{archived:false, message:[…]}].
            _ => ApiErrors.Of(StatusCodes.Status500InternalServerError, new[] { new { archived = false, message = new[] { result.Error ?? "Archive not sent" } } }),
        };
    }

    private static (ArchiveChatRequest? Request, ValidationFailure? Failure) Read(JsonElement body)
    {
        if (!body.TryGetProperty("archive", out var archive))
            return (null, JsonRequestBody.Missing("archive"));
        if (archive.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            return (null, new ValidationFailure("archive", "archive is not of a type(s) boolean"));
        if (!body.TryGetProperty("lastMessage", out var lastMessage))
            return (null, JsonRequestBody.Missing("lastMessage"));
        if (lastMessage.ValueKind != JsonValueKind.Object)
            return (null, new ValidationFailure("lastMessage", "lastMessage is not of a type(s) object"));
        if (!lastMessage.TryGetProperty("key", out var key) || key.ValueKind != JsonValueKind.Object)
            return (null, new ValidationFailure("lastMessage.key", "lastMessage requires property \"key\" (an object)"));
        if (!key.TryGetProperty("id", out var id) || !JsonRequestBody.TryGetString(id, out var idText) || idText.Length == 0)
            return (null, new ValidationFailure("lastMessage.key.id", "lastMessage.key requires property \"id\" (a non-empty string)"));
        if (!key.TryGetProperty("fromMe", out var fromMe) || fromMe.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            return (null, new ValidationFailure("lastMessage.key.fromMe", "lastMessage.key requires property \"fromMe\" (a boolean)"));
        if (!key.TryGetProperty("remoteJid", out var remoteJid) || !JsonRequestBody.TryGetString(remoteJid, out var jid) || !jid.Contains('@', StringComparison.Ordinal))
            return (null, new ValidationFailure("lastMessage.key.remoteJid", "lastMessage.key requires property \"remoteJid\" (a JID such as 5531912345678@s.whatsapp.net)"));
        string? participant = null;
        if (key.TryGetProperty("participant", out var participantElement) && participantElement.ValueKind != JsonValueKind.Null
            && !JsonRequestBody.TryGetString(participantElement, out participant))
            return (null, JsonRequestBody.NotAString("lastMessage.key.participant"));
        long? timestamp = null;
        if (lastMessage.TryGetProperty("messageTimestamp", out var time) && time.ValueKind != JsonValueKind.Null)
        {
            if (time.ValueKind != JsonValueKind.Number || !time.TryGetInt64(out var seconds) || seconds <= 0)
                return (null, new ValidationFailure("lastMessage.messageTimestamp", "lastMessage.messageTimestamp is not a positive integer (Unix seconds)"));
            timestamp = seconds;
        }
        return (new ArchiveChatRequest(jid, idText, fromMe.GetBoolean(), participant, timestamp, archive.GetBoolean()), null);
    }
}
