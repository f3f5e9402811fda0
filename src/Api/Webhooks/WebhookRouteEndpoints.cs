using CodeChat.Api.Authentication;
using CodeChat.Api.Errors;
using CodeChat.Api.Instances;
using CodeChat.Api.Json;
using CodeChat.Api.OpenApi;
using CodeChat.Grains.Abstractions.Instances;
using CodeChat.Grains.Abstractions.Webhooks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace CodeChat.Api.Webhooks;

/// <summary>
/// The <c>/webhook</c> routes: configuration as CodeChat 1.3 (codechat-api.md §7.1, api-contract.md
/// §3, §6) and the delivery operations of api-contract.md §4 (log, dead letters, replay).
/// </summary>
public static class WebhookRouteEndpoints
{
    private const int DefaultPageSize = 50;
    private const int MaxPageSize = 500;

    private const string RowExample =
        """{"id":7,"url":"https://crm.example.com/hooks/whatsapp","enabled":true,"events":null,"createdAt":"2026-12-03T07:39:39.123Z","updatedAt":"2026-12-03T07:39:39.123Z","instanceId":12}""";

    public static IEndpointRouteBuilder MapWebhookEndpoints(this IEndpointRouteBuilder routes)
    {
        var named = routes.MapGroup("/webhook").WithTags("Webhook")
            .AddEndpointFilter<InstanceAccessFilter>()
            .AddEndpointFilter<InstanceNameRouteFilter>();

        named.MapPut("/set/{instanceName}", SetAsync)
            .WithName("setWebhook")
            .WithSummary("Set the instance's webhook: url, enabled, events (v3 flags or CodeChat 1.3 names; absent = every event). " +
                         "The first call and rotateSecret:true return the signing secret, once")
            .Accepts<object>("application/json")
            .WithMetadata(new RequestBodyExample("""{"url":"https://crm.example.com/hooks/whatsapp","enabled":true,"events":{"newMessage":true,"messagesUpdate":true,"connectionUpdate":true}}"""))
            .Produces<WebhookSetResponse>(StatusCodes.Status201Created)
            .WithMetadata(new ResponseExample(StatusCodes.Status201Created,
                """{"id":7,"url":"https://crm.example.com/hooks/whatsapp","enabled":true,"events":{"connectionUpdate":true,"qrcodeUpdated":false,"newMessage":true,"messagesUpdate":true},"createdAt":"2026-12-03T07:39:39.123Z","updatedAt":"2026-12-03T07:39:39.123Z","instanceId":12,"secret":"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}"""))
            .ProducesErrors(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound);

        named.MapGet("/find/{instanceName}", FindAsync)
            .WithName("findWebhook")
            .WithSummary("The instance's webhook, or null when none is set")
            .Produces<WebhookResponse>()
            .WithMetadata(new ResponseExample(StatusCodes.Status200OK, RowExample))
            .ProducesErrors(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound);

        named.MapGet("/deliveries/{instanceName}", DeliveriesAsync)
            .WithName("webhookDeliveries")
            .WithSummary("The delivery log, newest first: every attempt with its status, latency and error " +
                         "(?eventId=, ?endpoint=instance|global, ?before=<id> pages, ?limit= up to 500)")
            .Produces<WebhookAttemptView[]>()
            .WithMetadata(new ResponseExample(StatusCodes.Status200OK,
                """[{"id":41,"endpoint":"instance","eventId":"0193a1b2-7c4d-7e5f-8a9b-0c1d2e3f4a5b","sequence":17,"event":"new.message","attempt":2,"outcome":"delivered","statusCode":200,"error":null,"latencyMs":12.4,"attemptedAt":"2026-12-03T07:39:49.456Z","nextAttemptAt":null,"replay":false}]"""))
            .ProducesErrors(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound);

        named.MapGet("/deadLetters/{instanceName}", DeadLettersAsync)
            .WithName("webhookDeadLetters")
            .WithSummary("Events that used up their retries (or were refused), newest first; replay them by id or sequence")
            .Produces<WebhookDeadLetterView[]>()
            .WithMetadata(new ResponseExample(StatusCodes.Status200OK,
                """[{"id":3,"endpoint":"instance","eventId":"0193a1b2-7c4d-7e5f-8a9b-0c1d2e3f4a5b","sequence":17,"event":"new.message","attempts":12,"lastStatusCode":503,"lastError":"HTTP 503","deadLetteredAt":"2026-12-06T07:39:39.123Z","replayedAt":null}]"""))
            .ProducesErrors(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound);

        named.MapPost("/replay/{instanceName}", ReplayAsync)
            .WithName("replayWebhook")
            .WithSummary("Deliver stored events again, with their original id and sequence: one by id, or a sequence range " +
                         "(at most 1,000 per call); replays go ahead of new events")
            .Accepts<object>("application/json")
            .WithMetadata(new RequestBodyExample("""{"fromSequence":17,"toSequence":20}"""))
            .Produces<WebhookReplayResponse>(StatusCodes.Status202Accepted)
            .WithMetadata(new ResponseExample(StatusCodes.Status202Accepted, """{"endpoint":"instance","queued":4,"sequences":[17,18,19,20]}"""))
            .ProducesErrors(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound);

        return routes;
    }

    private static async Task<IResult> SetAsync(string instanceName, HttpContext http, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var (body, malformed) = await JsonRequestBody.ReadObjectAsync(http.Request, cancellationToken);
        if (malformed is not null)
            return ApiErrors.Invalid(malformed);
        var instance = await grains.GetGrain<IInstanceGrain>(instanceName).GetAsync(cancellationToken);
        if (instance is null)
            return ApiErrors.InstanceNotFound();

        var (command, failures) = WebhookRequestReader.ReadSet(body, instance.Id);
        if (command is null)
            return ApiErrors.Invalid([.. failures]);
        var result = await grains.GetGrain<IWebhookDispatcherGrain>(instanceName).SetAsync(command, cancellationToken);
        return result.Outcome == WebhookSetOutcome.Saved
            ? Results.Json(WebhookSetResponse.From(result.Endpoint!, result.NewSecret), ApiJson.Options, statusCode: StatusCodes.Status201Created)
            : ApiErrors.Invalid(new ValidationFailure("url", result.Problem!));
    }

    private static async Task<IResult> FindAsync(string instanceName, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var instance = await grains.GetGrain<IInstanceGrain>(instanceName).GetAsync(cancellationToken);
        if (instance is null)
            return ApiErrors.InstanceNotFound();
        var found = await FindViewsAsync(grains, [instance], cancellationToken);
        return found.TryGetValue(instanceName, out var view)
            ? Results.Json(WebhookResponse.From(view), ApiJson.Options)
            : Results.Json<WebhookResponse?>(null, ApiJson.Options);
    }

    /// <summary>The webhook rows of these instances (the <c>Webhook</c> of fetchInstance(s)), by name.</summary>
    public static Task<IReadOnlyDictionary<string, WebhookEndpointView>> FindViewsAsync(
        IGrainFactory grains, IEnumerable<InstanceSnapshot> instances, CancellationToken cancellationToken) =>
        grains.GetGrain<IWebhookQueryGrain>(0).FindEndpointsAsync(
            [.. instances.Select(instance => new InstanceKey(instance.Name, instance.Id))], cancellationToken);

    private static async Task<IResult> DeliveriesAsync(
        string instanceName, [AsParameters] WebhookLogFilter filter, HttpContext http, IGrainFactory grains, ApiCredentials credentials,
        CancellationToken cancellationToken)
    {
        var (query, problem) = await ReadLogQueryAsync(instanceName, filter, http, grains, credentials, cancellationToken);
        return problem ?? Results.Json(await grains.GetGrain<IWebhookQueryGrain>(0).ListAttemptsAsync(query!, cancellationToken), ApiJson.Options);
    }

    private static async Task<IResult> DeadLettersAsync(
        string instanceName, [AsParameters] WebhookLogFilter filter, HttpContext http, IGrainFactory grains, ApiCredentials credentials,
        CancellationToken cancellationToken)
    {
        var (query, problem) = await ReadLogQueryAsync(instanceName, filter, http, grains, credentials, cancellationToken);
        return problem ?? Results.Json(await grains.GetGrain<IWebhookQueryGrain>(0).ListDeadLettersAsync(query!, cancellationToken), ApiJson.Options);
    }

    private static async Task<IResult> ReplayAsync(
        string instanceName, HttpContext http, IGrainFactory grains, ApiCredentials credentials, CancellationToken cancellationToken)
    {
        var (body, malformed) = await JsonRequestBody.ReadObjectAsync(http.Request, cancellationToken);
        if (malformed is not null)
            return ApiErrors.Invalid(malformed);
        if (await grains.GetGrain<IInstanceGrain>(instanceName).GetAsync(cancellationToken) is null)
            return ApiErrors.InstanceNotFound();
        var (request, failures) = WebhookRequestReader.ReadReplay(body);
        if (request is null)
            return ApiErrors.Invalid([.. failures]);
        if (request.Endpoint == WebhookEndpoints.Global && !await IsGlobalCallerAsync(http, credentials, cancellationToken))
            return ApiErrors.Unauthorized();

        var result = await grains.GetGrain<IWebhookDispatcherGrain>(instanceName).ReplayAsync(request, cancellationToken);
        return result.Outcome switch
        {
            WebhookReplayOutcome.Queued => Results.Json(
                new WebhookReplayResponse(request.Endpoint, result.Sequences.Count, result.Sequences), ApiJson.Options,
                statusCode: StatusCodes.Status202Accepted),
            WebhookReplayOutcome.NoEndpoint => ApiErrors.Invalid(new ValidationFailure("endpoint",
                $"the {request.Endpoint} webhook is not set or not enabled")),
            WebhookReplayOutcome.NothingToReplay => ApiErrors.Of(StatusCodes.Status404NotFound, "No stored event matches"),
            _ => ApiErrors.Invalid(new ValidationFailure("toSequence", "the range holds more events than one replay may queue")),
        };
    }

    private static async Task<(WebhookLogQuery? Query, IResult? Problem)> ReadLogQueryAsync(
        string instanceName, WebhookLogFilter filter, HttpContext http, IGrainFactory grains, ApiCredentials credentials,
        CancellationToken cancellationToken)
    {
        if (await grains.GetGrain<IInstanceGrain>(instanceName).GetAsync(cancellationToken) is null)
            return (null, ApiErrors.InstanceNotFound());
        var failures = new List<ValidationFailure>();

        string? endpoint = filter.Endpoint is { Length: > 0 } requested ? requested : null;
        if (endpoint is not null && !WebhookEndpoints.IsKnown(endpoint))
            failures.Add(new ValidationFailure("endpoint", "endpoint must be \"instance\" or \"global\""));
        Guid? eventId = null;
        if (filter.EventId is { Length: > 0 } idText)
        {
            if (Guid.TryParse(idText, out var parsed))
                eventId = parsed;
            else
                failures.Add(new ValidationFailure("eventId", "eventId must be an event id (a UUID)"));
        }

        var before = ReadPositive(filter.Before ?? "", "before", long.MaxValue, failures);
        var limit = (int)(ReadPositive(filter.Limit ?? "", "limit", MaxPageSize, failures) ?? DefaultPageSize);
        if (failures.Count > 0)
            return (null, ApiErrors.Invalid([.. failures]));
        if (endpoint == WebhookEndpoints.Global && !await IsGlobalCallerAsync(http, credentials, cancellationToken))
            return (null, ApiErrors.Unauthorized());
        return (new WebhookLogQuery(instanceName, endpoint, eventId, before, limit), null);
    }

    private static long? ReadPositive(string text, string name, long max, List<ValidationFailure> failures)
    {
        if (text.Length == 0)
            return null;
        if (long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value)
            && value >= 1 && value <= max)
            return value;
        failures.Add(new ValidationFailure(name, $"{name} must be an integer from 1 to {max}"));
        return null;
    }

    /// <summary>The global webhook's log and replays are the operator's: global key only.</summary>
    private static async Task<bool> IsGlobalCallerAsync(HttpContext http, ApiCredentials credentials, CancellationToken cancellationToken) =>
        RequestCredentials.ApiKey(http.Request) is { } key && await credentials.IsGlobalApiKeyAsync(key, cancellationToken);
}

/// <summary>
/// The query of the delivery log and dead-letter routes, read as text (a bad value is a 400 naming it,
/// see ReadLogQueryAsync) and bound here so that Swagger lists each parameter.
/// </summary>
public sealed record WebhookLogFilter(
    [FromQuery(Name = "eventId")] string? EventId,
    [FromQuery(Name = "endpoint")] string? Endpoint,
    [FromQuery(Name = "before")] string? Before,
    [FromQuery(Name = "limit")] string? Limit);
