using System.Text.Json;
using CodeChat.Api.Errors;
using CodeChat.Api.Instances;
using CodeChat.Api.Messages;
using CodeChat.Grains.Abstractions.Chats;
using CodeChat.Grains.Abstractions.Messages;

namespace CodeChat.Api.Chats;

/// <summary>
/// findMessages' body (codechat-api.md §5): <c>{where?: {id, keyId, keyRemoteJid, keyFromMe, messageType,
/// device, messageStatus}, offset?: page size (default 50), page?: from 1}</c>. Other <c>where</c> keys and
/// <c>sort</c> are accepted and ignored, as 1.3 does; a given filter of the wrong type is a 400 naming it.
/// </summary>
public static class MessageQueryReader
{
    public static (MessageQuery? Query, ValidationFailure? Failure) Read(JsonElement body)
    {
        var query = new MessageQuery();
        if (body.TryGetProperty("where", out var where) && where.ValueKind != JsonValueKind.Null)
        {
            if (where.ValueKind != JsonValueKind.Object)
                return (null, new ValidationFailure("where", "where is not of a type(s) object"));
            if (Present(where, "id", out var id))
            {
                if (!SendRequestValues.TryGetInt(id, out var number) || number <= 0)
                    return (null, new ValidationFailure("where.id", "where.id is not of a type(s) integer"));
                query = query with { Id = number };
            }
            foreach (var (name, apply) in new (string, Func<MessageQuery, string, MessageQuery>)[]
            {
                ("keyId", (q, v) => q with { KeyId = v }),
                ("keyRemoteJid", (q, v) => q with { KeyRemoteJid = v }),
                ("messageType", (q, v) => q with { MessageType = v }),
                ("device", (q, v) => q with { Device = v }),
            })
            {
                if (!Present(where, name, out var value))
                    continue;
                if (!JsonRequestBody.TryGetString(value, out var text) || text.Length == 0)
                    return (null, JsonRequestBody.NotAString("where." + name));
                query = apply(query, text);
            }
            if (Present(where, "keyFromMe", out var fromMe))
            {
                bool? flag = fromMe.ValueKind switch
                {
                    JsonValueKind.True => true,
                    JsonValueKind.False => false,
                    // Form bodies carry every value as text.
                    JsonValueKind.String when fromMe.GetString() is "true" or "false" => fromMe.GetString() == "true",
                    _ => null,
                };
                if (flag is null)
                    return (null, JsonRequestBody.NotABoolean("where.keyFromMe"));
                query = query with { KeyFromMe = flag };
            }
            if (Present(where, "messageStatus", out var status))
            {
                if (!JsonRequestBody.TryGetString(status, out var statusName) || StatusNamed(statusName) is not { } parsed)
                    return (null, new ValidationFailure("where.messageStatus", "where.messageStatus is not one of enum values: ERROR,PENDING,SERVER_ACK,DELIVERY_ACK,READ,PLAYED"));
                query = query with { MessageStatus = parsed };
            }
        }
        if (Present(body, "offset", out var offset))
        {
            if (!SendRequestValues.TryGetInt(offset, out var size) || size is < 1 or > MessageQuery.MaxPageSize)
                return (null, new ValidationFailure("offset", $"offset (the page size) must be an integer from 1 to {MessageQuery.MaxPageSize}"));
            query = query with { PageSize = (int)size };
        }
        if (Present(body, "page", out var page))
        {
            if (!SendRequestValues.TryGetInt(page, out var number) || number is < 1 or > int.MaxValue)
                return (null, new ValidationFailure("page", "page must be an integer of at least 1"));
            query = query with { Page = (int)number };
        }
        return (query, null);
    }

    private static bool Present(JsonElement container, string name, out JsonElement value) =>
        container.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;

    private static MessageStatus? StatusNamed(string name) =>
        Enum.GetValues<MessageStatus>().Cast<MessageStatus?>().FirstOrDefault(s => MessageStatusNames.Of(s!.Value) == name);
}
