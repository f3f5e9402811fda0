using System.Text;
using System.Text.Json;
using CodeChat.Api.Authentication;
using CodeChat.Api.Errors;
using CodeChat.Api.Instances;
using CodeChat.Api.OpenApi;
using CodeChat.Grains.Abstractions.Chats;
using CodeChat.WhatsApp.Binary;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CodeChat.Api.Chats;

/// <summary>
/// The stored history of an instance (codechat-api.md §5): <c>findMessages</c>, <c>findChats</c>,
/// <c>findContacts</c> and <c>deleteChat</c>, with 1.3's shapes. Unlike 1.3, <c>findChats?type=group</c>
/// returns groups (1.3 returned person chats for both types), and deleteChat deletes what this instance
/// stored of the chat (1.3 also asked the phone to delete it, which needs app state, not built yet).
/// </summary>
public static class ChatFindEndpoints
{
    public static IEndpointRouteBuilder MapChatFindEndpoints(this IEndpointRouteBuilder routes)
    {
        var chat = routes.MapGroup("/chat").WithTags("Chat")
            .AddEndpointFilter<InstanceAccessFilter>()
            .AddEndpointFilter<InstanceNameRouteFilter>();

        chat.MapPost("/findMessages/{instanceName}", FindMessagesAsync)
            .WithName("findMessages")
            .WithSummary("Stored messages, newest first, one page at a time: where{id, keyId, keyRemoteJid, keyFromMe, messageType, device, " +
                         "messageStatus}, offset = page size (default 50, at most 1000), page (from 1); each record with its MessageUpdate history")
            .Accepts<object>("application/json")
            .WithMetadata(new RequestBodyExample("""{"where":{"keyRemoteJid":"5531912345678@s.whatsapp.net","keyFromMe":false},"offset":20,"page":1}"""))
            .Produces<object>()
            .WithMetadata(new ResponseExample(StatusCodes.Status200OK,
                """{"messages":{"total":1,"pages":1,"currentPage":1,"records":[{"id":42,"keyId":"3EB0C767D82B6A2F1E4B","keyFromMe":false,"keyRemoteJid":"5531912345678@s.whatsapp.net","keyLid":"123456789012345@lid","keyParticipant":null,"pushName":"Ana","messageType":"conversation","content":{"conversation":"Hi!"},"messageTimestamp":1764763200,"instanceId":1,"device":"android","messageStatus":"DELIVERY_ACK","MessageUpdate":[{"status":"DELIVERY_ACK","dateTime":"2026-12-03T12:00:00.123Z"}]}]}}"""))
            .ProducesErrors(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound);

        chat.MapGet("/findChats/{instanceName}", FindChatsAsync)
            .WithName("findChats")
            .WithSummary("Stored chats, most recent conversation first; ?type=chats for people (phone JIDs and LIDs), ?type=group for groups, none for all")
            .Produces<object>()
            .WithMetadata(new ResponseExample(StatusCodes.Status200OK,
                """[{"id":7,"remoteJid":"5531912345678@s.whatsapp.net","lid":"123456789012345@lid","type":"user","lastMessageTimestamp":1764763200,"unreadCount":0,"archived":false,"createdAt":"2026-12-03T12:00:00.123Z","updatedAt":"2026-12-03T12:00:00.123Z","instanceId":1}]"""))
            .ProducesErrors(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound);

        chat.MapPost("/findContacts/{instanceName}", FindContactsAsync)
            .WithName("findContacts")
            .WithSummary("Stored contacts (people who wrote to this instance), in the order met; where.remoteJid (a phone JID or a LID) finds one")
            .Accepts<object>("application/json")
            .WithMetadata(new RequestBodyExample("""{"where":{"remoteJid":"5531912345678@s.whatsapp.net"}}"""))
            .Produces<object>()
            .WithMetadata(new ResponseExample(StatusCodes.Status200OK,
                """[{"id":3,"remoteJid":"5531912345678@s.whatsapp.net","lid":"123456789012345@lid","pushName":"Ana","profilePicUrl":null,"createdAt":"2026-12-03T12:00:00.123Z","updatedAt":"2026-12-03T12:00:00.123Z","instanceId":1}]"""))
            .ProducesErrors(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound);

        chat.MapDelete("/deleteChat/{instanceName}", DeleteChatAsync)
            .WithName("deleteChat")
            .WithSummary("Delete a chat (?chatId= a number, a JID or a LID) and its messages from this instance's store; the phone keeps its copy")
            .Produces<object>()
            .WithMetadata(new ResponseExample(StatusCodes.Status200OK, """{"deletedAt":"2026-12-03T12:00:00.123Z","chatId":"5531912345678@s.whatsapp.net"}"""))
            .ProducesErrors(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound);

        return routes;
    }

    private static async Task<IResult> FindMessagesAsync(string instanceName, HttpContext http, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var (body, malformed) = await JsonRequestBody.ReadObjectAsync(http.Request, cancellationToken);
        if (malformed is not null)
            return ApiErrors.Invalid(malformed);
        var (query, failure) = MessageQueryReader.Read(body);
        if (failure is not null)
            return ApiErrors.Invalid(failure);
        var result = await grains.GetGrain<IChatQueryGrain>(0).FindMessagesAsync(instanceName, query!, cancellationToken);
        return result is { InstanceId: { } instanceId, Value: { } page }
            ? Json(writer => ChatFindResponses.WriteMessagePage(writer, page, instanceId))
            : ApiErrors.InstanceNotFound();
    }

    private static async Task<IResult> FindChatsAsync(string instanceName, string? type, IGrainFactory grains, CancellationToken cancellationToken)
    {
        if (!TryReadChatType(type, out var kind))
            return ApiErrors.Invalid(new ValidationFailure("type", "type must be chats or group"));
        var result = await grains.GetGrain<IChatQueryGrain>(0).FindChatsAsync(instanceName, kind, cancellationToken);
        return result is { InstanceId: { } instanceId, Value: { } chats }
            ? Json(writer => ChatFindResponses.WriteArray(writer, chats, (w, c) => ChatRowJson.WriteChat(w, c, instanceId)))
            : ApiErrors.InstanceNotFound();
    }

    private static async Task<IResult> FindContactsAsync(string instanceName, HttpContext http, IGrainFactory grains, CancellationToken cancellationToken)
    {
        // 1.3 allows an empty body; so do we.
        string? remoteJid = null;
        if (http.Request.ContentLength is not 0)
        {
            var (body, malformed) = await JsonRequestBody.ReadObjectAsync(http.Request, cancellationToken);
            if (malformed is not null)
                return ApiErrors.Invalid(malformed);
            if (body.TryGetProperty("where", out var where) && where.ValueKind == JsonValueKind.Object
                && where.TryGetProperty("remoteJid", out var jid) && jid.ValueKind != JsonValueKind.Null)
            {
                if (!JsonRequestBody.TryGetString(jid, out remoteJid) || remoteJid.Length == 0)
                    return ApiErrors.Invalid(JsonRequestBody.NotAString("where.remoteJid"));
                remoteJid = ChatRequestReader.ChatJidOf(remoteJid) ?? remoteJid;
            }
        }
        var result = await grains.GetGrain<IChatQueryGrain>(0).FindContactsAsync(instanceName, remoteJid, cancellationToken);
        return result is { InstanceId: { } instanceId, Value: { } contacts }
            ? Json(writer => ChatFindResponses.WriteArray(writer, contacts, (w, c) => ChatRowJson.WriteContactRow(w, c, instanceId)))
            : ApiErrors.InstanceNotFound();
    }

    private static async Task<IResult> DeleteChatAsync(string instanceName, string? chatId, IGrainFactory grains, CancellationToken cancellationToken)
    {
        // 1.3 answers a plain {message} here, not its envelope.
        if (string.IsNullOrWhiteSpace(chatId))
            return Results.Json(new { message = "chatId is required" }, statusCode: StatusCodes.Status400BadRequest);
        if (ChatRequestReader.ChatJidOf(chatId) is not { } jid)
            return ApiErrors.Invalid(new ValidationFailure("chatId", "chatId must be a phone number or a JID"));
        var result = await grains.GetGrain<IInstanceChatGrain>(instanceName).DeleteChatAsync(jid, cancellationToken);
        return result.Outcome switch
        {
            DeleteChatOutcome.Deleted => Json(writer =>
            {
                writer.WriteStartObject();
                writer.WriteString("deletedAt", ChatRowJson.Iso(result.DeletedAt));
                writer.WriteString("chatId", result.ChatId);
                writer.WriteEndObject();
            }),
            DeleteChatOutcome.InstanceNotFound => ApiErrors.InstanceNotFound(),
            DeleteChatOutcome.ChatNotFound => ApiErrors.Of(StatusCodes.Status400BadRequest, "Error while deleting chat", "Chat not found"),
            _ => throw new InvalidOperationException($"Unexpected outcome {result.Outcome} of deleteChat."),
        };
    }

    /// <summary>findChats' <c>type</c>: <c>chats</c> (people: phone JIDs and LIDs), <c>group</c>, or none for every chat.</summary>
    private static bool TryReadChatType(string? type, out ChatKind? kind)
    {
        kind = type switch
        {
            "chats" or "chat" => ChatKind.User,
            "group" or "groups" => ChatKind.Group,
            _ => null,
        };
        return kind is not null || string.IsNullOrEmpty(type);
    }

    private static IResult Json(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
            write(writer);
        return Results.Text(Encoding.UTF8.GetString(buffer.ToArray()), "application/json", Encoding.UTF8);
    }
}
