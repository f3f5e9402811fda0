using System.Text.Json;
using CodeChat.Api.Authentication;
using CodeChat.Api.Errors;
using CodeChat.Api.Instances;
using CodeChat.Api.Json;
using CodeChat.Api.OpenApi;
using CodeChat.Grains.Abstractions.Messages;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CodeChat.Api.Messages;

/// <summary>The <c>/chat</c> routes built so far (codechat-api.md §5): <c>whatsappNumbers</c>.</summary>
public static class ChatEndpoints
{
    /// <summary>The most numbers one call may check (one usync; WhatsApp throttles bursts of checks).</summary>
    public const int MaxNumbers = 500;

    public static IEndpointRouteBuilder MapChatEndpoints(this IEndpointRouteBuilder routes)
    {
        var named = routes.MapInstanceRouteGroup("/chat", "Chat");

        named.MapPost("/whatsappNumbers/{instanceName}", WhatsAppNumbersAsync)
            .WithName("whatsappNumbers")
            .WithSummary("Which numbers are on WhatsApp: {exists, jid, lid?} per number (the JID WhatsApp answers with, Brazilian ninth digit settled); a group gives its subject as name")
            .Accepts<WhatsAppNumbersRequest>("application/json", UrlEncodedForm.MediaType)
            .WithMetadata(new RequestBodyExample("""{"numbers":["5531987654321","5511999999999","120363025246125486@g.us"]}"""))
            .Produces<NumberCheckResponse[]>()
            .WithMetadata(new ResponseExample(StatusCodes.Status200OK,
                """[{"exists":true,"jid":"553187654321@s.whatsapp.net","lid":"123456789012345@lid"},{"exists":false,"jid":"5511999999999@s.whatsapp.net"},{"exists":true,"jid":"120363025246125486@g.us","name":"Sales team"}]"""))
            .ProducesErrors(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound, StatusCodes.Status429TooManyRequests);

        return routes;
    }

    private static async Task<IResult> WhatsAppNumbersAsync(string instanceName, HttpContext http, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var (body, malformed) = await JsonRequestBody.ReadObjectAsync(http.Request, cancellationToken);
        if (malformed is not null)
            return ApiErrors.Invalid(malformed);
        if (ReadNumbers(body, out var numbers) is { Length: > 0 } failures)
            return ApiErrors.Invalid(failures);

        var result = await grains.GetGrain<IInstanceMessagingGrain>(instanceName).CheckNumbersAsync(numbers, cancellationToken);
        return result.Outcome switch
        {
            NumberCheckOutcome.Checked => Results.Json(
                result.Numbers.Select(n => new NumberCheckResponse(n.Exists, n.Jid, n.Lid, n.Name)).ToList(), ApiJson.Options),
            NumberCheckOutcome.NotFound => ApiErrors.InstanceNotFound(),
            NumberCheckOutcome.NotConnected => ApiErrors.NotConnected(instanceName),
            NumberCheckOutcome.RateLimited => TooManyChecks(http, result.RetryAfter),
            _ => throw new InvalidOperationException($"Unexpected outcome {result.Outcome} of a number check."),
        };
    }

    /// <summary>429 with <c>Retry-After</c> (whole seconds, at least 1): the instance's number checks are used up for now.</summary>
    private static IResult TooManyChecks(HttpContext http, TimeSpan retryAfter)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return ApiErrors.Of(StatusCodes.Status429TooManyRequests,
            $"Too many numbers checked with WhatsApp lately (Messaging:NumberCheckRateLimit); retry in {seconds} s");
    }

    /// <summary>
    /// Reads the body's <c>numbers</c> as 1.3 checks them (1 to <see cref="MaxNumbers"/> unique strings
    /// starting with digits); returns why they are refused, naming each bad item, or nothing.
    /// </summary>
    internal static ValidationFailure[] ReadNumbers(JsonElement body, out List<string> numbers)
    {
        numbers = [];
        if (!SendRequestValues.TryGetPresent(body, "numbers", out var element))
            return [JsonRequestBody.Missing("numbers")];
        if (element.ValueKind != JsonValueKind.Array || element.GetArrayLength() is 0 or > MaxNumbers)
            return [new ValidationFailure("numbers", $"\"numbers\" must be an array of 1 to {MaxNumbers} numeric strings")];

        var failures = new List<ValidationFailure>();
        var index = 0;
        foreach (var item in element.EnumerateArray())
        {
            // As 1.3's schema: each item starts with digits.
            if (JsonRequestBody.TryGetString(item, out var number) && number.Length > 0 && char.IsAsciiDigit(number[0]))
                numbers.Add(number);
            else
                failures.Add(new ValidationFailure($"numbers[{index}]", "Invalid format"));
            index++;
        }
        if (numbers.Distinct(StringComparer.Ordinal).Count() != numbers.Count)
            failures.Add(new ValidationFailure("numbers", "numbers contains duplicate item"));
        return [.. failures];
    }
}

/// <summary>The body of <c>POST /chat/whatsappNumbers</c> (for Swagger).</summary>
public sealed record WhatsAppNumbersRequest(IReadOnlyList<string> Numbers);
