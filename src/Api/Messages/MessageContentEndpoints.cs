using System.Text;
using System.Text.Json;
using CodeChat.Api.Errors;
using CodeChat.Api.Instances;
using CodeChat.Api.OpenApi;
using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Proto;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CodeChat.Api.Messages;

/// <summary>
/// The send routes whose message is built from the body alone (codechat-api.md §4.1): a location, one
/// or several contacts (vCard 3.0 as CodeChat 1.3 writes it), and a reaction (an empty reaction removes
/// it, which 1.3 refused). All go through the same pipeline as <c>sendText</c>.
/// </summary>
public static class MessageContentEndpoints
{
    public static RouteGroupBuilder MapMessageContentEndpoints(this RouteGroupBuilder named)
    {
        named.MapPost("/sendLocation/{instanceName}", SendLocationAsync)
            .WithName("sendLocation")
            .WithSummary("Send a location (latitude, longitude, optional name and address) with the shared options")
            .Accepts<SendLocationRequest>("application/json", UrlEncodedForm.MediaType)
            .WithMetadata(new RequestBodyExample("""{"number":"5531987654321","locationMessage":{"latitude":-19.9167,"longitude":-43.9345,"name":"Praça da Liberdade","address":"Belo Horizonte, MG"}}"""))
            .WithSendResponses();

        named.MapPost("/sendContact/{instanceName}", SendContactAsync)
            .WithName("sendContact")
            .WithSummary("Send one contact card, or several as one message titled \"N contacts\" (vCard 3.0 with the WhatsApp id)")
            .Accepts<SendContactRequest>("application/json", UrlEncodedForm.MediaType)
            .WithMetadata(new RequestBodyExample("""{"number":"5531987654321","contactMessage":[{"fullName":"Ana Souza","wuid":"5531912345678","phoneNumber":"+55 31 91234-5678"}]}"""))
            .WithSendResponses();

        named.MapPost("/sendReaction/{instanceName}", SendReactionAsync)
            .WithName("sendReaction")
            .WithSummary("React to a message with an emoji; an empty reaction removes ours (CodeChat 1.3 could not)")
            .Accepts<SendReactionRequest>("application/json", UrlEncodedForm.MediaType)
            .WithMetadata(new RequestBodyExample("""{"reactionMessage":{"key":{"id":"3EB0B430B6F8F1D0E053","remoteJid":"5531987654321@s.whatsapp.net","fromMe":false},"reaction":"👍"}}"""))
            .WithSendResponses();

        return named;
    }

    private static async Task<IResult> SendLocationAsync(string instanceName, HttpContext http, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var (body, malformed) = await JsonRequestBody.ReadObjectAsync(http.Request, cancellationToken);
        if (malformed is not null)
            return ApiErrors.Invalid(malformed);
        var failures = new List<ValidationFailure>();
        var number = MessageEndpoints.ReadNumber(body, failures);
        var location = new LocationMessage();
        if (!SendRequestValues.TryGetPresent(body, "locationMessage", out var content) || content.ValueKind != JsonValueKind.Object)
        {
            failures.Add(JsonRequestBody.Missing("locationMessage"));
        }
        else
        {
            if (ReadCoordinate(content, "latitude", 90, failures) is { } latitude)
                location.DegreesLatitude = latitude;
            if (ReadCoordinate(content, "longitude", 180, failures) is { } longitude)
                location.DegreesLongitude = longitude;
            if (ReadOptionalText(content, "locationMessage.name", "name", failures) is { } name)
                location.Name = name;
            if (ReadOptionalText(content, "locationMessage.address", "address", failures) is { } address)
                location.Address = address;
        }
        return await MessageEndpoints.SendAsync(instanceName, number, new Message { LocationMessage = location }, body, failures, grains, cancellationToken);
    }

    private static async Task<IResult> SendContactAsync(string instanceName, HttpContext http, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var (body, malformed) = await JsonRequestBody.ReadObjectAsync(http.Request, cancellationToken);
        if (malformed is not null)
            return ApiErrors.Invalid(malformed);
        var failures = new List<ValidationFailure>();
        var number = MessageEndpoints.ReadNumber(body, failures);
        var cards = new List<ContactMessage>();
        if (!SendRequestValues.TryGetPresent(body, "contactMessage", out var contacts))
            failures.Add(JsonRequestBody.Missing("contactMessage"));
        else if (contacts.ValueKind != JsonValueKind.Array || contacts.GetArrayLength() == 0)
            failures.Add(new ValidationFailure("contactMessage", "contactMessage must be an array of at least one contact"));
        else
        {
            var index = 0;
            foreach (var contact in contacts.EnumerateArray())
            {
                var path = $"contactMessage[{index++}]";
                var fullName = ReadRequiredText(contact, path, "fullName", 1, failures);
                var wuid = ReadRequiredText(contact, path, "wuid", 10, failures);
                var phone = ReadRequiredText(contact, path, "phoneNumber", 10, failures);
                if (wuid is not null && !wuid.All(char.IsAsciiDigit))
                    failures.Add(new ValidationFailure($"{path}.wuid", "wuid must be digits (the WhatsApp number)"));
                else if (fullName is not null && wuid is not null && phone is not null)
                    cards.Add(new ContactMessage { DisplayName = fullName, Vcard = VCard(fullName, wuid, phone) });
            }
        }
        var message = cards.Count == 1
            ? new Message { ContactMessage = cards[0] }
            : new Message { ContactsArrayMessage = new ContactsArrayMessage { DisplayName = $"{cards.Count} contacts", Contacts = { cards } } };
        return await MessageEndpoints.SendAsync(instanceName, number, message, body, failures, grains, cancellationToken);
    }

    private static async Task<IResult> SendReactionAsync(string instanceName, HttpContext http, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var (body, malformed) = await JsonRequestBody.ReadObjectAsync(http.Request, cancellationToken);
        if (malformed is not null)
            return ApiErrors.Invalid(malformed);
        var failures = new List<ValidationFailure>();
        string? chat = null;
        var reaction = new ReactionMessage();
        if (!SendRequestValues.TryGetPresent(body, "reactionMessage", out var content) || content.ValueKind != JsonValueKind.Object)
        {
            failures.Add(JsonRequestBody.Missing("reactionMessage"));
        }
        else
        {
            if (!SendRequestValues.TryGetPresent(content, "key", out var key) || key.ValueKind != JsonValueKind.Object)
            {
                failures.Add(new ValidationFailure("reactionMessage", "reactionMessage requires property \"key\""));
            }
            else
            {
                var id = ReadRequiredText(key, "reactionMessage.key", "id", 1, failures);
                chat = ReadRequiredText(key, "reactionMessage.key", "remoteJid", 1, failures);
                if (chat is not null && !RecipientJid.TryParse(chat, out _))
                {
                    failures.Add(new ValidationFailure("reactionMessage.key.remoteJid", "Invalid format"));
                    chat = null;
                }
                else if (StatusPostOptions.IsStatus(chat))
                {
                    failures.Add(new ValidationFailure("reactionMessage.key.remoteJid", "Reactions to status posts are not supported"));
                    chat = null;
                }
                var fromMe = SendRequestValues.TryGetPresent(key, "fromMe", out var fromMeElement) && SendRequestValues.TryGetBool(fromMeElement, out var flag)
                    ? flag
                    : (bool?)null;
                if (fromMe is null)
                    failures.Add(new ValidationFailure("reactionMessage.key.fromMe", "fromMe is required and must be a boolean"));
                reaction.Key = new MessageKey { RemoteJID = chat ?? "", ID = id ?? "", FromMe = fromMe ?? false };
                if (ReadOptionalText(key, "reactionMessage.key.participant", "participant", failures) is { } participant)
                    reaction.Key.Participant = participant;
            }
            // An empty reaction removes ours (WhatsApp's own meaning of an empty ReactionMessage.text).
            if (!SendRequestValues.TryGetPresent(content, "reaction", out var emoji) || !JsonRequestBody.TryGetString(emoji, out var text))
                failures.Add(new ValidationFailure("reactionMessage", "reactionMessage requires property \"reaction\" (an emoji, or \"\" to remove)"));
            else if (text.Length > 0 && text.All(c => char.IsAsciiLetterOrDigit(c) || char.IsWhiteSpace(c)))
                failures.Add(new ValidationFailure("reactionMessage.reaction", "\"reaction\" must be an emoji"));
            else
                reaction.Text = text;
        }
        reaction.SenderTimestampMS = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        // No options on this route (as 1.3); the reaction goes to the chat of the message it answers.
        return await MessageEndpoints.SendAsync(instanceName, chat, new Message { ReactionMessage = reaction }, EmptyBody, failures, grains, cancellationToken);
    }

    private static readonly JsonElement EmptyBody = JsonDocument.Parse("{}").RootElement.Clone();

    /// <summary>CodeChat 1.3's card: vCard 3.0, the name, and the number with its WhatsApp id, labelled "Celular".</summary>
    public static string VCard(string fullName, string wuid, string phoneNumber) => new StringBuilder()
        .Append("BEGIN:VCARD\n")
        .Append("VERSION:3.0\n")
        .Append("N:").Append(fullName).Append('\n')
        .Append("FN:").Append(fullName).Append('\n')
        .Append("item1.TEL;waid=").Append(wuid).Append(':').Append(phoneNumber).Append('\n')
        .Append("item1.X-ABLabel:Celular\n")
        .Append("END:VCARD")
        .ToString();

    private static double? ReadCoordinate(JsonElement content, string property, double limit, List<ValidationFailure> failures)
    {
        if (!SendRequestValues.TryGetPresent(content, property, out var value))
        {
            failures.Add(new ValidationFailure("locationMessage", $"locationMessage requires property \"{property}\""));
            return null;
        }
        if (SendRequestValues.TryGetDouble(value, out var number) && Math.Abs(number) <= limit)
            return number;
        failures.Add(new ValidationFailure($"locationMessage.{property}", $"{property} must be a number from -{limit} to {limit}"));
        return null;
    }

    private static string? ReadRequiredText(JsonElement parent, string path, string property, int minLength, List<ValidationFailure> failures)
    {
        if (parent.ValueKind != JsonValueKind.Object || !SendRequestValues.TryGetPresent(parent, property, out var value))
        {
            failures.Add(new ValidationFailure(path, $"{path} requires property \"{property}\""));
            return null;
        }
        if (!JsonRequestBody.TryGetString(value, out var text))
        {
            failures.Add(JsonRequestBody.NotAString($"{path}.{property}"));
            return null;
        }
        if (text.Length < minLength)
        {
            failures.Add(new ValidationFailure($"{path}.{property}", $"{path}.{property} does not meet minimum length of {minLength}"));
            return null;
        }
        return text;
    }

    private static string? ReadOptionalText(JsonElement parent, string path, string property, List<ValidationFailure> failures)
    {
        if (!SendRequestValues.TryGetPresent(parent, property, out var value))
            return null;
        if (JsonRequestBody.TryGetString(value, out var text))
            return text;
        failures.Add(JsonRequestBody.NotAString(path));
        return null;
    }
}

/// <summary>The body of <c>POST /message/sendLocation</c> (for Swagger).</summary>
public sealed record SendLocationRequest(string Number, SendLocationContent LocationMessage, JsonElement? Options);

public sealed record SendLocationContent(double Latitude, double Longitude, string? Name, string? Address);

/// <summary>The body of <c>POST /message/sendContact</c> (for Swagger).</summary>
public sealed record SendContactRequest(string Number, IReadOnlyList<SendContactCard> ContactMessage, JsonElement? Options);

public sealed record SendContactCard(string FullName, string Wuid, string PhoneNumber);

/// <summary>The body of <c>POST /message/sendReaction</c> (for Swagger).</summary>
public sealed record SendReactionRequest(SendReactionContent ReactionMessage);

public sealed record SendReactionContent(SendReactionKey Key, string Reaction);

public sealed record SendReactionKey(string Id, string RemoteJid, bool FromMe, string? Participant);
