using System.Text.Json;
using CodeChat.Api.Authentication;
using CodeChat.Api.Errors;
using CodeChat.Api.Instances;
using CodeChat.Api.OpenApi;
using CodeChat.Grains.Abstractions.Chats;
using CodeChat.WhatsApp.AppState;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CodeChat.Api.Chats;

/// <summary>
/// The chat modifications sent as app-state patches the phone and the other companions apply:
/// <list type="bullet">
/// <item><c>PUT /chat/archiveChat</c> (codechat-api.md §5): <c>{lastMessage: {key: {id, fromMe, remoteJid,
/// participant?}, messageTimestamp?}, archive}</c> → 200 <c>{chatId, archived}</c>; unlike 1.3, <c>archived</c>
/// is what was done (1.3 always said true);</item>
/// <item>ours, in 1.3's style (neither 1.3 nor its v3 has them): <c>PUT /chat/muteChat</c> <c>{chat, mute,
/// muteUntil?}</c> → <c>{chatId, muted, muteUntil}</c>, <c>PUT /chat/pinChat</c> <c>{chat, pin}</c> →
/// <c>{chatId, pinned}</c>, and <c>PUT /chat/markChatUnread</c> (Evolution API v2's name) <c>{lastMessage,
/// unread}</c> → <c>{chatId, unread}</c>.</item>
/// </list>
/// Each answers once the server took the patch and it came back applied here (row and <c>chats.update</c>).
/// </summary>
public static class ChatModificationEndpoints
{
    private const string LastMessageExample =
        """{"key":{"id":"3EB0C767D26A1D7C6A7B","fromMe":false,"remoteJid":"5531912345678@s.whatsapp.net"},"messageTimestamp":1700000000}""";

    public static IEndpointRouteBuilder MapChatModificationEndpoints(this IEndpointRouteBuilder routes)
    {
        var chat = routes.MapGroup("/chat").WithTags("Chat")
            .AddEndpointFilter<InstanceAccessFilter>()
            .AddEndpointFilter<InstanceNameRouteFilter>();

        Describe(chat.MapPut("/archiveChat/{instanceName}", ArchiveChatAsync), "archiveChat",
            "Archive or unarchive a chat on every device of the account (an app-state patch the phone applies); " +
            "lastMessage is the chat's last message",
            $$"""{"lastMessage":{{LastMessageExample}},"archive":true}""",
            """{"chatId":"5531912345678@s.whatsapp.net","archived":true}""");
        Describe(chat.MapPut("/muteChat/{instanceName}", MuteChatAsync), "muteChat",
            "Mute or unmute a chat on every device of the account (an app-state patch the phone applies); chat is a number or a JID, " +
            "muteUntil the end of the mute in Unix seconds or \"always\" (default: 8 hours from now)",
            """{"chat":"5531912345678@s.whatsapp.net","mute":true,"muteUntil":1700028800}""",
            """{"chatId":"5531912345678@s.whatsapp.net","muted":true,"muteUntil":1700028800}""");
        Describe(chat.MapPut("/pinChat/{instanceName}", PinChatAsync), "pinChat",
            "Pin or unpin a chat on every device of the account (an app-state patch the phone applies); chat is a number or a JID",
            """{"chat":"5531912345678@s.whatsapp.net","pin":true}""",
            """{"chatId":"5531912345678@s.whatsapp.net","pinned":true}""");
        Describe(chat.MapPut("/markChatUnread/{instanceName}", MarkChatUnreadAsync), "markChatUnread",
            "Mark a chat unread (unread: true) or read again (false) on every device of the account (an app-state patch the phone applies); " +
            "lastMessage is the chat's last message. No read receipt is sent",
            $$"""{"lastMessage":{{LastMessageExample}},"unread":true}""",
            """{"chatId":"5531912345678@s.whatsapp.net","unread":true}""");
        return routes;
    }

    private static void Describe(RouteHandlerBuilder route, string name, string summary, string requestExample, string responseExample) =>
        route.WithName(name)
            .WithSummary(summary)
            .Accepts<object>("application/json")
            .WithMetadata(new RequestBodyExample(requestExample))
            .Produces<object>()
            .WithMetadata(new ResponseExample(StatusCodes.Status200OK, responseExample))
            .ProducesErrors(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound, StatusCodes.Status500InternalServerError);

    private static Task<IResult> ArchiveChatAsync(string instanceName, HttpContext http, IGrainFactory grains, CancellationToken cancellationToken) =>
        ModifyAsync(instanceName, http, ChatModificationRequestReader.ReadArchive,
            (grain, request) => grain.ArchiveChatAsync(request, cancellationToken),
            (result, request) => new { chatId = result.ChatId, archived = request.Archive },
            // 1.3's failure body: [{archived:false, message:[…]}].
            (result, _) => new { archived = false, message = new[] { result.Error ?? "Archive not sent" } },
            grains, cancellationToken);

    private static Task<IResult> MuteChatAsync(string instanceName, HttpContext http, IGrainFactory grains, TimeProvider time, CancellationToken cancellationToken) =>
        ModifyAsync(instanceName, http, body => ChatModificationRequestReader.ReadMute(body, time.GetUtcNow()),
            (grain, request) => grain.MuteChatAsync(request, cancellationToken),
            (result, request) => new { chatId = result.ChatId, muted = request.Mute, muteUntil = MuteUntil(request) },
            NotSent, grains, cancellationToken);

    private static Task<IResult> PinChatAsync(string instanceName, HttpContext http, IGrainFactory grains, CancellationToken cancellationToken) =>
        ModifyAsync(instanceName, http, ChatModificationRequestReader.ReadPin,
            (grain, request) => grain.PinChatAsync(request, cancellationToken),
            (result, request) => new { chatId = result.ChatId, pinned = request.Pin },
            NotSent, grains, cancellationToken);

    private static Task<IResult> MarkChatUnreadAsync(string instanceName, HttpContext http, IGrainFactory grains, CancellationToken cancellationToken) =>
        ModifyAsync(instanceName, http, ChatModificationRequestReader.ReadMarkUnread,
            (grain, request) => grain.MarkChatUnreadAsync(request, cancellationToken),
            (result, request) => new { chatId = result.ChatId, unread = request.Unread },
            NotSent, grains, cancellationToken);

    /// <summary>The failure body of the routes 1.3 does not have: <c>[{chatId, message:[reason]}]</c> in 1.3's envelope.</summary>
    private static object NotSent(ChatModificationResult result, object request) =>
        new { chatId = result.ChatId, message = new[] { result.Error ?? "The change was not sent" } };

    /// <summary>muteChat's <c>muteUntil</c>: Unix seconds, <c>"always"</c>, or null when unmuted.</summary>
    private static object? MuteUntil(MuteChatRequest request) => !request.Mute ? null
        : request.MuteEndMilliseconds == ChatActionPatches.MutedForever ? "always"
        : request.MuteEndMilliseconds / 1000;

    /// <summary>The one path of the four routes: read the body, ask the instance's grain, answer its outcome.</summary>
    private static async Task<IResult> ModifyAsync<TRequest>(
        string instanceName,
        HttpContext http,
        Func<JsonElement, (TRequest? Request, ValidationFailure? Failure)> read,
        Func<IInstanceChatGrain, TRequest, Task<ChatModificationResult>> send,
        Func<ChatModificationResult, TRequest, object> done,
        Func<ChatModificationResult, TRequest, object> failed,
        IGrainFactory grains,
        CancellationToken cancellationToken)
        where TRequest : class
    {
        var (body, malformed) = await JsonRequestBody.ReadObjectAsync(http.Request, cancellationToken);
        if (malformed is not null)
            return ApiErrors.Invalid(malformed);
        var (request, failure) = read(body);
        if (request is null)
            return ApiErrors.Invalid(failure!);

        var result = await send(grains.GetGrain<IInstanceChatGrain>(instanceName), request);
        return result.Outcome switch
        {
            ChatModificationOutcome.Done => Results.Json(done(result, request)),
            ChatModificationOutcome.InstanceNotFound => ApiErrors.InstanceNotFound(),
            ChatModificationOutcome.NotConnected => ApiErrors.NotConnected(instanceName),
            _ => ApiErrors.Of(StatusCodes.Status500InternalServerError, failed(result, request)),
        };
    }
}
