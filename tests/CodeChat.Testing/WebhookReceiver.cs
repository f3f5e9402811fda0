using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit;

namespace CodeChat.Testing;

/// <summary>One POST the receiver got: headers, raw body, parsed envelope, and what it answered.</summary>
public sealed record ReceivedWebhook(
    string Path, IReadOnlyDictionary<string, string> Headers, string Body, JsonElement Envelope, int AnsweredStatus, DateTimeOffset ReceivedAt)
{
    public Guid Id => Envelope.GetProperty("id").GetGuid();
    public long Sequence => Envelope.GetProperty("sequence").GetInt64();
    public string Event => Envelope.GetProperty("event").GetString()!;
    public string Instance => Envelope.GetProperty("instance").GetProperty("name").GetString()!;
    public bool Accepted => AnsweredStatus is >= 200 and < 300;
}

/// <summary>
/// A real HTTP receiver: Kestrel on 127.0.0.1 with a free port. Records every POST and answers with
/// what <see cref="Responder"/> decides (200 by default).
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedWebhook> _received = new();
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    private WebhookReceiver(WebApplication app) => _app = app;

    /// <summary>Decides the answer to each POST: status code and optional extra headers.</summary>
    public Func<ReceivedWebhook, (int Status, IReadOnlyDictionary<string, string>? Headers)> Responder { get; set; } = _ => (200, null);

    /// <summary>Delay before answering each POST.</summary>
    public TimeSpan AnswerDelay { get; set; }

    public Uri BaseUrl { get; private set; } = null!;

    public string Url(string path = "hook") => new Uri(BaseUrl, path).ToString();

    public IReadOnlyList<ReceivedWebhook> Received => [.. _received];

    public IEnumerable<ReceivedWebhook> AcceptedFor(string instance) => Received.Where(r => r.Accepted && r.Instance == instance);

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/{**path}", receiver.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.BaseUrl = new Uri(address.EndsWith('/') ? address : address + "/");
        return receiver;
    }

    /// <summary>Waits until <paramref name="condition"/> holds over what was received; fails after <paramref name="timeout"/>.</summary>
    public async Task WaitUntilAsync(Func<IReadOnlyList<ReceivedWebhook>, bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition(Received))
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Timed out after {timeout} waiting for {what}; received {Received.Count} POSTs.");
            await Task.Delay(PollInterval, TestContext.Current.CancellationToken);
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        using var document = JsonDocument.Parse(body);
        var received = new ReceivedWebhook(context.Request.Path, headers, body, document.RootElement.Clone(), 0, DateTimeOffset.UtcNow);
        var (status, extra) = Responder(received);
        if (AnswerDelay > TimeSpan.Zero)
            await Task.Delay(AnswerDelay, context.RequestAborted);
        _received.Enqueue(received with { AnsweredStatus = status });
        context.Response.StatusCode = status;
        foreach (var (name, value) in extra ?? new Dictionary<string, string>())
            context.Response.Headers[name] = value;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
