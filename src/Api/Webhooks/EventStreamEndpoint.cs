using System.Net.WebSockets;
using CodeChat.Api.Authentication;
using CodeChat.Api.Errors;
using CodeChat.Api.Instances;
using CodeChat.Grains.Abstractions.Instances;
using CodeChat.Grains.Abstractions.Webhooks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace CodeChat.Api.Webhooks;

/// <summary>
/// <c>/ws/events</c> (codechat-api.md §7.3): the instance's events over a WebSocket, one text frame per
/// event in the webhook envelope. Authenticated like the instance routes (global key or the
/// instance's token, in the headers or, for browsers, as <c>?apikey=</c> / <c>?token=</c>).
/// <c>?sequence=N</c> resumes after event N from the outbox without a gap; without it the stream
/// starts with the next event. <c>?event=</c> (repeatable or comma-separated) keeps only those events.
/// </summary>
public static class EventStreamEndpoint
{
    public const string Path = "/ws/events";
    private const int Batch = 200;
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(2);

    public static IEndpointRouteBuilder MapEventStream(this IEndpointRouteBuilder routes)
    {
        routes.MapGet(Path, StreamAsync).ExcludeFromDescription();
        return routes;
    }

    private static async Task StreamAsync(
        HttpContext http, IGrainFactory grains, InstanceTokenService tokens, InstanceEventNotifications notifications)
    {
        var cancellationToken = http.RequestAborted;
        var query = http.Request.Query;
        var apiKey = RequestCredentials.ApiKey(http.Request) ?? NonEmpty(query["apikey"]);
        var bearer = RequestCredentials.BearerToken(http.Request) ?? NonEmpty(query["token"]);
        var instanceName = NonEmpty(query["instanceName"]);
        if (instanceName is null && (bearer ?? apiKey) is { } token && await tokens.ReadAsync(token, cancellationToken) is { } claims)
            instanceName = claims.InstanceName;

        if (instanceName is null)
        {
            await WriteAsync(http, ApiErrors.Invalid(new ValidationFailure("instanceName", "instanceName is required (or an instance token)")));
            return;
        }

        var access = ActivatorUtilities.CreateInstance<InstanceAccessFilter>(http.RequestServices);
        if (!await access.IsAllowedAsync(apiKey, bearer, instanceName, cancellationToken))
        {
            await WriteAsync(http, ApiErrors.Unauthorized());
            return;
        }

        if (await grains.GetGrain<IInstanceGrain>(instanceName).GetAsync(cancellationToken) is null)
        {
            await WriteAsync(http, ApiErrors.InstanceNotFound());
            return;
        }

        long? resumeAfter = null;
        if (NonEmpty(query["sequence"]) is { } sequenceText)
        {
            if (!long.TryParse(sequenceText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed))
            {
                await WriteAsync(http, ApiErrors.Invalid(new ValidationFailure("sequence", "sequence must be a non-negative integer")));
                return;
            }

            resumeAfter = parsed;
        }

        var events = query["event"].SelectMany(value => (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .ToHashSet(StringComparer.Ordinal);
        if (!http.WebSockets.IsWebSocketRequest)
        {
            await WriteAsync(http, ApiErrors.Of(StatusCodes.Status400BadRequest, "Expected a WebSocket upgrade request"));
            return;
        }

        var reader = grains.GetGrain<IWebhookQueryGrain>(0);
        var cursor = resumeAfter ?? await reader.LastSequenceAsync(instanceName, cancellationToken);
        using var socket = await http.WebSockets.AcceptWebSocketAsync();
        using var closed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var listening = DrainIncomingAsync(socket, closed);
        try
        {
            while (!closed.IsCancellationRequested && socket.State == WebSocketState.Open)
            {
                var batch = await reader.ReadEventsAsync(instanceName, cursor, Batch, closed.Token);
                foreach (var record in batch)
                {
                    if (events.Count == 0 || events.Contains(record.Event) || events.Contains(record.Event.Split(':')[0]))
                        await socket.SendAsync(WebhookEnvelope.Serialize(record), WebSocketMessageType.Text, endOfMessage: true, closed.Token);
                    cursor = record.Sequence;
                }

                if (batch.Count < Batch)
                    await notifications.WaitAsync(instanceName, PollInterval, closed.Token);
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or WebSocketException)
        {
            // The client went away.
        }

        await closed.CancelAsync();
        await listening;
        if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None)
                .ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>Reads (and ignores) what the client sends, to notice its close.</summary>
    private static async Task DrainIncomingAsync(WebSocket socket, CancellationTokenSource closed)
    {
        var buffer = new byte[1024];
        try
        {
            while (!closed.IsCancellationRequested)
            {
                var result = await socket.ReceiveAsync(buffer, closed.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                    break;
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or WebSocketException)
        {
            // Closed either way.
        }

        await closed.CancelAsync();
    }

    private static string? NonEmpty(Microsoft.Extensions.Primitives.StringValues value) =>
        value.ToString() is { Length: > 0 } text ? text : null;

    private static Task WriteAsync(HttpContext http, IResult result) => result.ExecuteAsync(http);
}
