using System.Text.Json;
using CodeChat.Api.Authentication;
using CodeChat.Api.Errors;
using CodeChat.Api.Instances;
using CodeChat.Api.Json;
using CodeChat.Api.OpenApi;
using CodeChat.Grains.Abstractions.Messages;
using CodeChat.Grains.Abstractions.Queues;
using CodeChat.WhatsApp.Proto;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CodeChat.Api.Messages;

/// <summary>
/// Mailings (api-contract.md §2): a send route called with <c>numbers</c> instead of <c>number</c>
/// starts a send queue and answers 201 with v3's QueueModel; the queue routes show, pause, resume
/// and delete it. Every number is checked before anything is stored: a bad one is a 400 naming it.
/// </summary>
public static class SendQueueEndpoints
{
    private const string QueueStatusExample =
        """{"queue":{"queueId":"0193a0b4-6f1e-7c4a-9d2e-5b8f0c1a2b3c","status":"PAUSED","progress":50},"data":{"message":{"messageType":"extendedTextMessage","message":{"extendedTextMessage":{"text":"Hello!"}}},"jids":["5531987654321@s.whatsapp.net","5531912345678@s.whatsapp.net"],"messagesIds":["3EB0C431C26A1916E07E01","3EB0F8A2D4C6E8B0A1C301"]},"instanceConnectedId":"5531900000000@s.whatsapp.net","recipients":[{"number":"5531987654321","jid":"5531987654321@s.whatsapp.net","messageId":"3EB0C431C26A1916E07E01","status":"SERVER_ACK"},{"number":"5531912345678","jid":"5531912345678@s.whatsapp.net","messageId":"3EB0F8A2D4C6E8B0A1C301","status":"WAITING"}],"createdAt":"2026-12-03T22:00:00.000Z","updatedAt":"2026-12-03T22:00:05.000Z"}""";

    public static IEndpointRouteBuilder MapSendQueueEndpoints(this IEndpointRouteBuilder routes)
    {
        var named = routes.MapGroup("/message/queue").WithTags("Message")
            .AddEndpointFilter<InstanceAccessFilter>()
            .AddEndpointFilter<InstanceNameRouteFilter>();

        named.MapGet("/{instanceName}", FindAsync)
            .WithName("findSendQueue")
            .WithSummary("A mailing's status with per-recipient results (queueId), or every running and paused mailing of the instance (no queueId); completed and deleted mailings are cleared")
            .Produces<SendQueueStatusResponse>()
            .WithMetadata(new ResponseExample(StatusCodes.Status200OK, QueueStatusExample))
            .ProducesErrors(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound);
        named.MapPut("/pause/{instanceName}", (string instanceName, string? queueId, IGrainFactory grains, CancellationToken cancellationToken) =>
                ControlAsync(instanceName, queueId, grains, (queue, token) => queue.PauseAsync(token), cancellationToken))
            .WithName("pauseSendQueue")
            .WithSummary("Pauses a mailing (paused.queue): the send under way ends, nothing more is sent until resume")
            .WithQueueControlResponses();
        named.MapPut("/resume/{instanceName}", (string instanceName, string? queueId, IGrainFactory grains, CancellationToken cancellationToken) =>
                ControlAsync(instanceName, queueId, grains, (queue, token) => queue.ResumeAsync(token), cancellationToken))
            .WithName("resumeSendQueue")
            .WithSummary("Resumes a paused mailing from where it stopped (resumed.queue)")
            .WithQueueControlResponses();
        named.MapDelete("/{instanceName}", (string instanceName, string? queueId, IGrainFactory grains, CancellationToken cancellationToken) =>
                ControlAsync(instanceName, queueId, grains, (queue, token) => queue.DeleteAsync(token), cancellationToken))
            .WithName("deleteSendQueue")
            .WithSummary("Stops a mailing for good and forgets it (deleted.queue); recipients already sent to keep their message")
            .WithQueueControlResponses();
        return routes;
    }

    private static RouteHandlerBuilder WithQueueControlResponses(this RouteHandlerBuilder builder) => builder
        .Produces<SendQueueStatusResponse>()
        .WithMetadata(new ResponseExample(StatusCodes.Status200OK, QueueStatusExample))
        .ProducesErrors(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound);

    /// <summary>
    /// The numbers of a mailing, each checked as a single send's <c>number</c> is; a failure names each
    /// bad item (<c>numbers[i]</c>), and duplicates (one recipient is messaged once).
    /// </summary>
    internal static List<string> ReadNumbers(JsonElement numbers, List<ValidationFailure> failures)
    {
        var read = new List<string>();
        if (AsList(numbers) is not { Count: > 0 } items)
        {
            failures.Add(new ValidationFailure("numbers", "numbers must be a non-empty array of numbers or JIDs"));
            return read;
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var index = 0;
        foreach (var item in items)
        {
            if (!JsonRequestBody.TryGetString(item, out var number) || !MessageEndpoints.IsSendableNumber(number))
                failures.Add(new ValidationFailure($"numbers[{index}]", "Invalid format"));
            else if (!seen.Add(CodeChat.WhatsApp.Binary.RecipientJid.TryParse(number, out var jid) ? jid.ToString() : number))
                failures.Add(new ValidationFailure($"numbers[{index}]", $"{number} is in numbers more than once"));
            else
                read.Add(number);
            index++;
        }
        return read;
    }

    /// <summary>
    /// The items of <c>numbers</c>: a JSON array; in a form, where qs' array limit of 20 turns
    /// <c>numbers[0]</c>…<c>numbers[N]</c> into an object once N passes 20, an object whose keys are all
    /// indexes (in index order); and a lone <c>numbers</c> field, a single string. Null otherwise.
    /// </summary>
    internal static List<JsonElement>? AsList(JsonElement numbers) => numbers.ValueKind switch
    {
        JsonValueKind.Array => [.. numbers.EnumerateArray()],
        JsonValueKind.String => [numbers],
        JsonValueKind.Object when numbers.EnumerateObject().All(p => int.TryParse(p.Name, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _)) =>
            [.. numbers.EnumerateObject().OrderBy(p => int.Parse(p.Name, System.Globalization.CultureInfo.InvariantCulture)).Select(p => p.Value)],
        _ => null,
    };

    /// <summary>Starts a mailing of <paramref name="message"/> to <paramref name="numbers"/>: 201 with the QueueModel once the queue and its START event are durable.</summary>
    internal static async Task<IResult> StartAsync(
        string instanceName, IReadOnlyList<string> numbers, Message message, SendOptions options, IGrainFactory grains, CancellationToken cancellationToken)
    {
        if (RefusedOptions(options) is { } refused)
            return refused;
        var queue = grains.GetGrain<ISendQueueGrain>(SendQueueKeys.Of(instanceName, Guid.CreateVersion7()));
        var result = await queue.StartAsync(new StartSendQueueCommand(numbers, message.ToByteArray(), options), cancellationToken);
        return result.Outcome switch
        {
            SendQueueOutcome.Done => Results.Json(SendQueueResponse.From(result.Queue!), ApiJson.Options, statusCode: StatusCodes.Status201Created),
            SendQueueOutcome.InstanceNotFound => ApiErrors.InstanceNotFound(),
            SendQueueOutcome.NotConnected => ApiErrors.Of(StatusCodes.Status400BadRequest, $"The \"{instanceName}\" instance does not exist or is not connected"),
            SendQueueOutcome.TooManyRecipients => TooManyRecipients(result.MaxRecipients),
            _ => throw new InvalidOperationException($"Unexpected outcome {result.Outcome} of a mailing start."),
        };
    }

    /// <summary>
    /// The 400 for a mailing of more numbers than the silos take, asked before any costly work (a media
    /// upload); null when it fits. The queue grain checks again when it starts.
    /// </summary>
    internal static async Task<IResult?> RefusedSizeAsync(string instanceName, int count, IGrainFactory grains)
    {
        var max = await grains.GetGrain<ISendQueueDirectoryGrain>(instanceName).GetMaxRecipientsAsync();
        return count > max ? TooManyRecipients(max) : null;
    }

    private static IResult TooManyRecipients(int? max) =>
        ApiErrors.Invalid(new ValidationFailure("numbers", $"A mailing may have at most {max} numbers"));

    /// <summary>The 400 for options a mailing cannot take (<c>messageId</c>), or null; checked before any work, e.g. a media upload.</summary>
    internal static IResult? RefusedOptions(SendOptions options) => options.MessageId is null
        ? null
        : ApiErrors.Invalid(new ValidationFailure("options.messageId", "A mailing gives each recipient its own message id; messageId is for a single number"));

    private static async Task<IResult> FindAsync(string instanceName, string? queueId, IGrainFactory grains, CancellationToken cancellationToken)
    {
        if (queueId is null)
        {
            var queues = await grains.GetGrain<ISendQueueDirectoryGrain>(instanceName).ListAsync(cancellationToken);
            return queues is null
                ? ApiErrors.InstanceNotFound()
                : Results.Json(queues.Select(SendQueueStatusResponse.From).ToList(), ApiJson.Options);
        }
        return await ControlAsync(instanceName, queueId, grains, (queue, token) => queue.GetAsync(token), cancellationToken);
    }

    private static async Task<IResult> ControlAsync(
        string instanceName, string? queueId, IGrainFactory grains, Func<ISendQueueGrain, CancellationToken, Task<SendQueueResult>> act, CancellationToken cancellationToken)
    {
        if (queueId is null)
            return ApiErrors.Invalid(new ValidationFailure("queueId", "queueId is required"));
        if (!Guid.TryParse(queueId, out var id))
            return ApiErrors.Invalid(new ValidationFailure("queueId", "queueId is not a queue id"));
        var result = await act(grains.GetGrain<ISendQueueGrain>(SendQueueKeys.Of(instanceName, id)), cancellationToken);
        return result.Outcome switch
        {
            SendQueueOutcome.Done => Results.Json(SendQueueStatusResponse.From(result.Queue!), ApiJson.Options),
            SendQueueOutcome.QueueNotFound => ApiErrors.Of(StatusCodes.Status404NotFound, "Queue not found"),
            _ => throw new InvalidOperationException($"Unexpected outcome {result.Outcome} of a queue call."),
        };
    }
}
