using System.Text.Json;
using CodeChat.Api.Authentication;
using CodeChat.Api.Errors;
using CodeChat.Api.Instances;
using CodeChat.Api.Json;
using CodeChat.Api.OpenApi;
using CodeChat.Grains.Abstractions.ClientVersion;
using CodeChat.WhatsApp.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CodeChat.Api.Admin;

/// <summary>
/// <c>/admin/whatsappVersion</c> (global key only): the WhatsApp Web version every instance claims. Setting
/// it stores a cluster-wide value that beats <c>WhatsApp:Version</c> and the compiled-in default, used
/// from each instance's next connection on — the fix when WhatsApp refuses a stale version with 405.
/// </summary>
public static class WhatsAppVersionEndpoints
{
    private const string ViewExample =
        """{"version":"2.3000.1045649367","origin":"stored","stored":{"version":"2.3000.1045649367","updatedBy":"admin","updatedAt":"2026-12-03T07:39:39.123Z"},"configured":null,"compiledDefault":"2.3000.1045649367","refresher":{"enabled":true,"source":"https://web.whatsapp.com/sw.js","interval":"01:00:00","lastCheckAt":"2026-12-03T07:30:00.000Z","lastFound":"2.3000.1045649367","lastError":null}}""";

    public static IEndpointRouteBuilder MapWhatsAppVersionEndpoints(this IEndpointRouteBuilder routes)
    {
        var route = routes.MapGroup(WhatsAppVersionRoute.Path).WithTags("Admin")
            .AddEndpointFilter<GlobalApiKeyFilter>();

        route.MapGet("", GetAsync)
            .WithName("getWhatsAppVersion")
            .WithSummary("The WhatsApp Web version instances claim, where it comes from (stored > configured WhatsApp:Version > " +
                         "compiled default) and the refresher's last check")
            .Produces<WhatsAppVersionView>()
            .WithMetadata(new ResponseExample(StatusCodes.Status200OK, ViewExample))
            .ProducesErrors(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden);

        route.MapPut("", SetAsync)
            .WithName("setWhatsAppVersion")
            .WithSummary("Store the cluster-wide WhatsApp Web version (2.3000.x); every instance claims it from its next connection on")
            .Accepts<SetWhatsAppVersionRequest>("application/json")
            .WithMetadata(new RequestBodyExample("""{"version":"2.3000.1045649367"}"""))
            .Produces<WhatsAppVersionView>()
            .WithMetadata(new ResponseExample(StatusCodes.Status200OK, ViewExample))
            .ProducesErrors(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden)
            .WithMetadata(new ResponseExample(StatusCodes.Status400BadRequest,
                """{"status":400,"error":"Bad Request","message":[{"property":"version","message":"version must be a WhatsApp Web version such as 2.3000.1045649367"}]}"""));

        return routes;
    }

    private static async Task<IResult> GetAsync(IGrainFactory grains, CancellationToken cancellationToken) =>
        Results.Json(await grains.GetGrain<IWhatsAppVersionGrain>(0).GetAsync(cancellationToken), ApiJson.Options);

    private static async Task<IResult> SetAsync(HttpContext http, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var (body, malformed) = await JsonRequestBody.ReadObjectAsync(http.Request, cancellationToken);
        if (malformed is not null)
            return ApiErrors.Invalid(malformed);
        if (ReadVersion(body) is { } failure)
            return ApiErrors.Invalid(failure);
        var view = await grains.GetGrain<IWhatsAppVersionGrain>(0).SetAsync(
            WhatsAppWebVersion.Parse(body.GetProperty("version").GetString()!).ToString(), cancellationToken);
        return Results.Json(view, ApiJson.Options);
    }

    private static ValidationFailure? ReadVersion(JsonElement body)
    {
        if (!body.TryGetProperty("version", out var version))
            return new ValidationFailure("version", "instance requires property \"version\"");
        if (version.ValueKind != JsonValueKind.String)
            return new ValidationFailure("version", "version is not of a type(s) string");
        return WhatsAppWebVersion.TryParse(version.GetString(), out var parsed) && parsed.IsWebVersion
            ? null
            : new ValidationFailure("version", "version must be a WhatsApp Web version such as 2.3000.1045649367");
    }
}

/// <summary>Body of <c>PUT /admin/whatsappVersion</c>.</summary>
public sealed record SetWhatsAppVersionRequest(string Version);
