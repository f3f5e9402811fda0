using System.Globalization;
using System.Text;
using System.Text.Json;
using CodeChat.Grains.Abstractions.Events;
using CodeChat.Grains.Events;
using CodeChat.Grains.Sessions;

namespace CodeChat.Grains.Messages;

/// <summary>
/// <c>general.error</c> for an incoming stanza we could not process (the seed: "Report the error
/// linked to an event"): <c>{event, reason, description, header{messageId, fromMe, wuid, …},
/// dateTime}</c>. <c>reason</c> names the kind of failure (e.g. the decryption error's type); nothing
/// here is key material or message content.
/// </summary>
public static class GeneralErrorPayload
{
    /// <summary>What the error is linked to: an incoming message that could not be decrypted or read.</summary>
    public const string IncomingMessage = "new.message";

    public static InstanceEventDraft Draft(string instanceName, long instanceId, string? ownerJid, UnprocessableMessage failure, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(failure);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("event", IncomingMessage);
            json.WriteString("reason", failure.Reason);
            json.WriteString("description", failure.Unparsable
                ? "The message was decrypted but its content could not be read."
                : "The message could not be decrypted; the sender was asked to send it again until the retry limit.");
            MessageHeaderJson.Write(json, failure.Id, failure.FromMe, failure.Chat, failure.SenderPhoneNumber ?? failure.Sender, failure.SenderLid, failure.PushName);
            json.WriteString("dateTime", at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            json.WriteEndObject();
        }
        return new InstanceEventDraft(instanceName, instanceId, ownerJid, InstanceEventNames.GeneralError, Encoding.UTF8.GetString(buffer.ToArray()))
        {
            Id = NamedEventId.From($"{InstanceEventNames.GeneralError}\n{instanceName}\n{failure.Chat}\n{failure.Sender}\n{failure.Id}"),
        };
    }
}
