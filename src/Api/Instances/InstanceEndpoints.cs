using CodeChat.Api.Authentication;
using CodeChat.Api.Errors;
using CodeChat.Api.Json;
using CodeChat.Api.OpenApi;
using CodeChat.Api.Webhooks;
using CodeChat.Grains.Abstractions.Instances;
using CodeChat.Grains.Abstractions.Webhooks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace CodeChat.Api.Instances;

/// <summary>The <c>/instance</c> routes (codechat-api.md §3) that exist before pairing: records and tokens.</summary>
public static class InstanceEndpoints
{
    private const string JsonMediaType = "application/json";

    private const string CreatedExample =
        """{"id":7,"name":"sales-01","description":"Sales team phone","createdAt":"2026-12-03T07:39:39.123Z","updatedAt":"2026-12-03T07:39:39.123Z","Auth":{"id":7,"token":"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9..."}}""";

    // One connected instance with a webhook, as the fetch routes list it (fetchInstance adds Whatsapp).
    private const string ListedExample =
        """{"id":7,"name":"sales-01","description":"Sales team phone","connectionStatus":"ONLINE","ownerJid":"5531900000000@s.whatsapp.net","profilePicUrl":"https://pps.whatsapp.net/v/t61.24694-24/412345678_n.jpg","externalAttributes":{"crmId":42},"createdAt":"2026-12-03T07:39:39.123Z","updatedAt":"2026-12-03T07:45:02.481Z","Auth":{"id":7,"token":"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...","createdAt":"2026-12-03T07:39:39.123Z","updatedAt":"2026-12-03T07:39:39.123Z"},"Webhook":{"id":3,"url":"https://crm.example.com/hooks/whatsapp","enabled":true,"events":null,"createdAt":"2026-12-03T07:41:10.004Z","updatedAt":"2026-12-03T07:41:10.004Z","instanceId":7}}""";

    public static IEndpointRouteBuilder MapInstanceEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/instance").WithTags("Instance");

        group.MapPost("/create", CreateAsync)
            .AddEndpointFilter<GlobalApiKeyFilter>()
            .WithName("createInstance")
            .WithSummary("Create an instance and its token (does not connect to WhatsApp)")
            .Accepts<CreateInstanceRequest>(JsonMediaType, UrlEncodedForm.MediaType)
            .WithMetadata(new RequestBodyExample("""{"instanceName":"sales-01","description":"Sales team phone","externalAttributes":{"crmId":42}}"""))
            .Produces<CreatedInstanceResponse>(StatusCodes.Status201Created)
            .WithMetadata(new ResponseExample(StatusCodes.Status201Created, CreatedExample))
            .ProducesErrors(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden)
            // CodeChat 1.3's two answers for a taken name: 400 when it is only a record, 403 when it has a session.
            .WithMetadata(new ResponseExample(StatusCodes.Status400BadRequest, """{"status":400,"error":"Bad Request","message":["Instance already exists"]}"""))
            .WithMetadata(new ResponseExample(StatusCodes.Status403Forbidden, """{"status":403,"error":"Forbidden","message":["This name \"sales-01\" is already in use."]}"""));

        group.MapGet("/fetchInstances", FetchInstancesAsync)
            .AddEndpointFilter<GlobalApiKeyFilter>()
            .WithName("fetchInstances")
            .WithSummary("List every instance, or only the one named by ?instanceName=")
            .Produces<InstanceResponse[]>()
            .WithMetadata(new ResponseExample(StatusCodes.Status200OK, "[" + ListedExample + "]"))
            .ProducesErrors(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound);

        var named = group.MapGroup("")
            .AddEndpointFilter<InstanceAccessFilter>()
            .AddEndpointFilter<InstanceNameRouteFilter>();

        named.MapGet("/fetchInstance/{instanceName}", FetchInstanceAsync)
            .WithName("fetchInstance")
            .WithSummary("One instance with its connection state")
            .Produces<InstanceResponse>()
            .WithMetadata(new ResponseExample(StatusCodes.Status200OK,
                ListedExample[..^1] + ""","Whatsapp":{"connection":{"state":"open","statusReason":200}}}"""))
            .ProducesErrors(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound);

        named.MapPatch("/update/{instanceName}", UpdateAsync)
            .WithName("updateInstance")
            .WithSummary("Change the description (?description= or body) and/or the external attributes (body)")
            .Accepts<UpdateInstanceRequest>(JsonMediaType, UrlEncodedForm.MediaType)
            .WithMetadata(new RequestBodyExample("""{"description":"Support team phone","externalAttributes":{"crmId":43}}"""))
            .Produces<UpdatedInstanceResponse>()
            .WithMetadata(new ResponseExample(StatusCodes.Status200OK,
                """{"id":7,"name":"sales-01","description":"Support team phone","externalAttributes":{"crmId":43},"createdAt":"2026-12-03T07:39:39.123Z","updatedAt":"2026-12-03T09:20:11.850Z","Auth":{"id":7}}"""))
            .ProducesErrors(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound);

        named.MapDelete("/delete/{instanceName}", DeleteAsync)
            .WithName("deleteInstance")
            .WithSummary("Delete an instance and its token; answers with the deleted record")
            .Produces<DeletedInstanceResponse>()
            .WithMetadata(new ResponseExample(StatusCodes.Status200OK,
                """{"id":7,"name":"sales-01","description":"Sales team phone","connectionStatus":"OFFLINE","ownerJid":null,"profilePicUrl":null,"externalAttributes":{"crmId":42},"createdAt":"2026-12-03T07:39:39.123Z","updatedAt":"2026-12-03T18:02:44.310Z","deletedAt":"2026-12-03T18:02:44.310Z"}"""))
            .ProducesErrors(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);

        // As CodeChat 1.3: the body's oldToken is the credential, no header needed (api-contract.md §6).
        group.MapPut("/refreshToken/{instanceName}", RefreshTokenAsync)
            .AddEndpointFilter<InstanceNameRouteFilter>()
            .WithName("refreshToken")
            .WithSummary("Replace the instance token, proven by the current one in the body (no header needed); the old one stops working")
            .Accepts<RefreshTokenRequest>(JsonMediaType, UrlEncodedForm.MediaType)
            .WithMetadata(new CredentialInRequest("the body's `oldToken`"))
            .WithMetadata(new RequestBodyExample("""{"oldToken":"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9..."}"""))
            .Produces<RefreshedTokenResponse>(StatusCodes.Status201Created)
            .WithMetadata(new ResponseExample(StatusCodes.Status201Created,
                """{"id":7,"token":"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...","createdAt":"2026-12-03T07:39:39.123Z","updatedAt":"2026-12-03T09:12:04.517Z","instanceId":7}"""))
            .ProducesErrors(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized)
            .WithMetadata(new ResponseExample(StatusCodes.Status401Unauthorized, """{"status":401,"error":"Unauthorized","message":["Invalid \"oldToken\""]}"""));

        return routes;
    }

    private static async Task<IResult> CreateAsync(
        HttpContext http, IGrainFactory grains, InstanceTokenService tokens, CancellationToken cancellationToken)
    {
        var (body, malformed) = await JsonRequestBody.ReadObjectAsync(http.Request, cancellationToken);
        if (malformed is not null)
            return ApiErrors.Invalid(malformed);

        var failures = new List<ValidationFailure>();
        string? name = null;
        if (!body.TryGetProperty("instanceName", out var nameElement) || nameElement.ValueKind == System.Text.Json.JsonValueKind.Null)
            failures.Add(JsonRequestBody.Missing("instanceName"));
        else if (nameElement.ValueKind != System.Text.Json.JsonValueKind.String)
            failures.Add(JsonRequestBody.NotAString("instanceName"));
        else if (!JsonRequestBody.TryGetString(nameElement, out name) || !InstanceName.IsValid(name))
            failures.Add(InstanceName.Invalid());

        var (description, descriptionFailure) = JsonRequestBody.OptionalNonEmptyString(body, "description");
        if (descriptionFailure is not null)
            failures.Add(descriptionFailure);
        if (failures.Count > 0)
            return ApiErrors.Invalid([.. failures]);

        var token = await tokens.IssueAsync(name!, cancellationToken);
        var command = new CreateInstanceCommand(
            description,
            JsonRequestBody.OptionalRawJson(body, "externalAttributes"),
            token.Credential);
        var result = await grains.GetGrain<IInstanceGrain>(name!).CreateAsync(command, cancellationToken);
        return result.Outcome switch
        {
            InstanceCommandOutcome.Succeeded => Results.Json(
                InstanceResponseMapping.Created(result.Instance!, token.Token), ApiJson.Options, statusCode: StatusCodes.Status201Created),
            // CodeChat 1.3's two answers: its instance guard's 403 for a name with a session, its
            // service's 400 for a name that is only a record (src/guards/instance.guard.ts,
            // src/whatsapp/services/instance.service.ts createInstance, at 1.3.7 commit de8ea66).
            InstanceCommandOutcome.NameInUse => ApiErrors.Of(StatusCodes.Status403Forbidden, $"This name \"{name}\" is already in use."),
            InstanceCommandOutcome.AlreadyExists => ApiErrors.Of(StatusCodes.Status400BadRequest, "Instance already exists"),
            _ => throw new InvalidOperationException($"Unexpected outcome {result.Outcome} creating an instance."),
        };
    }

    // Only the global key reaches this route (GlobalApiKeyFilter), so every token may be shown.
    private static async Task<IResult> FetchInstancesAsync(
        [FromQuery] string? instanceName, IGrainFactory grains, InstanceTokenProtector tokenProtector, CancellationToken cancellationToken)
    {
        var filter = string.IsNullOrEmpty(instanceName) ? null : instanceName;
        var instances = await grains.GetGrain<IInstanceDirectoryGrain>(0).ListAsync(filter, cancellationToken);
        if (filter is not null && instances.Count == 0)
            return ApiErrors.InstanceNotFound();
        var webhooks = await WebhookRouteEndpoints.FindViewsAsync(grains, instances, cancellationToken);
        return Results.Json(
            instances.Select(instance => InstanceResponseMapping.Listed(
                    instance, tokenProtector.Reveal(instance.Name, instance.ProtectedToken), withConnection: false)
                with { Webhook = WebhookOf(webhooks, instance) }),
            ApiJson.Options);
    }

    // InstanceAccessFilter admits the global key or this instance's own current token; either may see
    // this instance's token (1.3 shows it too), never another instance's.
    private static async Task<IResult> FetchInstanceAsync(
        string instanceName, IGrainFactory grains, InstanceTokenProtector tokenProtector, CancellationToken cancellationToken)
    {
        var instance = await grains.GetGrain<IInstanceGrain>(instanceName).GetAsync(cancellationToken);
        if (instance is null)
            return ApiErrors.InstanceNotFound();
        var connection = await grains.GetGrain<IInstanceSessionGrain>(instanceName).GetConnectionStateAsync(cancellationToken);
        var webhooks = await WebhookRouteEndpoints.FindViewsAsync(grains, [instance], cancellationToken);
        return Results.Json(
            InstanceResponseMapping.Listed(instance, tokenProtector.Reveal(instanceName, instance.ProtectedToken), withConnection: true, connection)
                with { Webhook = WebhookOf(webhooks, instance) },
            ApiJson.Options);
    }

    /// <summary>CodeChat's <c>Webhook</c> relation of an instance: its webhook row, or null.</summary>
    private static WebhookResponse? WebhookOf(IReadOnlyDictionary<string, WebhookEndpointView> webhooks, InstanceSnapshot instance) =>
        webhooks.TryGetValue(instance.Name, out var view) ? WebhookResponse.From(view) : null;

    private static async Task<IResult> UpdateAsync(
        string instanceName, HttpContext http, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var (body, malformed) = await JsonRequestBody.ReadObjectAsync(http.Request, cancellationToken);
        if (malformed is not null)
            return ApiErrors.Invalid(malformed);

        // CodeChat reads the description from the query string; the body is accepted as well.
        string? description;
        ValidationFailure? failure = null;
        if (http.Request.Query.TryGetValue("description", out var fromQuery))
        {
            description = fromQuery.ToString();
            if (description.Length == 0)
                failure = new ValidationFailure("description", "description does not meet minimum length of 1");
        }
        else
        {
            (description, failure) = JsonRequestBody.OptionalNonEmptyString(body, "description");
        }

        if (failure is not null)
            return ApiErrors.Invalid(failure);

        var command = new UpdateInstanceCommand(description, JsonRequestBody.OptionalRawJson(body, "externalAttributes"));
        var result = await grains.GetGrain<IInstanceGrain>(instanceName).UpdateAsync(command, cancellationToken);
        return result.Outcome == InstanceCommandOutcome.Succeeded
            ? Results.Json(InstanceResponseMapping.Updated(result.Instance!), ApiJson.Options)
            : ApiErrors.InstanceNotFound();
    }

    private static async Task<IResult> DeleteAsync(
        string instanceName, [FromQuery] string? force, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var cascade = string.Equals(force, "true", StringComparison.OrdinalIgnoreCase);
        var result = await grains.GetGrain<IInstanceGrain>(instanceName).DeleteAsync(cascade, cancellationToken);
        return result.Outcome switch
        {
            InstanceCommandOutcome.Succeeded => Results.Json(InstanceResponseMapping.Deleted(result.Instance!), ApiJson.Options),
            InstanceCommandOutcome.NotFound => ApiErrors.InstanceNotFound(),
            InstanceCommandOutcome.StillConnected => ApiErrors.Of(
                StatusCodes.Status400BadRequest, (object)new[] { "Deletion failed", "The instance needs to be disconnected" }),
            InstanceCommandOutcome.Superseded => ApiErrors.InstanceChangedElsewhere(),
            _ => throw new InvalidOperationException($"Unexpected outcome {result.Outcome} deleting an instance."),
        };
    }

    private static async Task<IResult> RefreshTokenAsync(
        string instanceName, HttpContext http, IGrainFactory grains, InstanceTokenService tokens, CancellationToken cancellationToken)
    {
        var (body, malformed) = await JsonRequestBody.ReadObjectAsync(http.Request, cancellationToken);
        if (malformed is not null)
            return ApiErrors.Invalid(malformed);
        var (oldToken, failure) = JsonRequestBody.OptionalNonEmptyString(body, "oldToken");
        if (failure is not null || oldToken is null)
            return ApiErrors.Invalid(failure ?? JsonRequestBody.Missing("oldToken"));

        // The old token is the only credential here, so a wrong one is a 401 (CodeChat 1.3 said 400)
        // carrying 1.3's text; a deleted instance looks the same, so the route reveals no names.
        var invalidOldToken = ApiErrors.Of(StatusCodes.Status401Unauthorized, "Invalid \"oldToken\"");
        var claims = await tokens.ReadAsync(oldToken, cancellationToken);
        if (claims is null || !string.Equals(claims.InstanceName, instanceName, StringComparison.Ordinal))
            return invalidOldToken;

        var replacement = await tokens.IssueAsync(instanceName, cancellationToken);
        var result = await grains.GetGrain<IInstanceGrain>(instanceName).RotateTokenAsync(
            claims.TokenId, replacement.Credential, cancellationToken);
        return result.Outcome == InstanceCommandOutcome.Succeeded
            ? Results.Json(InstanceResponseMapping.Refreshed(result.Instance!, replacement.Token), ApiJson.Options, statusCode: StatusCodes.Status201Created)
            : invalidOldToken;
    }

    internal static RouteHandlerBuilder ProducesErrors(this RouteHandlerBuilder builder, params int[] statuses)
    {
        foreach (var status in statuses)
            builder.Produces<ErrorEnvelope>(status);
        return builder;
    }
}
