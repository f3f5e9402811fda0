using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace CodeChat.Webhooks.Tests;

/// <summary>/ws/events through the real pipeline: authenticated, the webhook envelope, resumable without a gap.</summary>
public sealed class EventStreamTests(WebhookSiloFixture fixture) : IClassFixture<WebhookSiloFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private WebhookSilo Silo => fixture.Silo;

    private async Task<WebSocket> ConnectAsync(string query, string? apiKey = WebhookSilo.GlobalApiKey)
    {
        var client = Silo.Server.CreateWebSocketClient();
        if (apiKey is not null)
            client.ConfigureRequest = request => request.Headers["apikey"] = apiKey;
        return await client.ConnectAsync(new Uri(Silo.Server.BaseAddress, "/ws/events?" + query), Ct);
    }

    private static async Task<JsonElement> NextFrameAsync(WebSocket socket)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(Patience);
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        WebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer, timeout.Token);
            message.Write(buffer, 0, result.Count);
        }
        while (!result.EndOfMessage);
        Assert.Equal(WebSocketMessageType.Text, result.MessageType);
        return JsonDocument.Parse(Encoding.UTF8.GetString(message.ToArray())).RootElement.Clone();
    }

    private static async Task CloseAsync(WebSocket socket)
    {
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, Ct);
        socket.Dispose();
    }

    private Task AppendAsync(string name, long id, int n) =>
        Silo.AppendAsync(name, id, "connection.update", $$"""{"instance":"{{name}}","state":"open","statusReason":{{n}}}""");

    [Fact]
    public async Task The_stream_carries_the_envelope_and_resumes_after_a_sequence_without_a_gap()
    {
        var name = "ws-" + Guid.NewGuid().ToString("N")[..10];
        var (id, _) = await Silo.CreateInstanceAsync(name);
        for (var n = 1; n <= 3; n++)
            await AppendAsync(name, id, n);

        var socket = await ConnectAsync($"instanceName={name}&sequence=0");
        for (var n = 1; n <= 3; n++)
        {
            var frame = await NextFrameAsync(socket);
            Assert.Equal(n, frame.GetProperty("sequence").GetInt64());
            Assert.Equal(["id", "sequence", "event", "instance", "data", "date"], frame.EnumerateObject().Select(p => p.Name));
            Assert.Equal(n, frame.GetProperty("data").GetProperty("statusReason").GetInt32());
        }

        await AppendAsync(name, id, 4);
        Assert.Equal(4, (await NextFrameAsync(socket)).GetProperty("sequence").GetInt64());
        await CloseAsync(socket);

        for (var n = 5; n <= 7; n++)
            await AppendAsync(name, id, n);
        socket = await ConnectAsync($"instanceName={name}&sequence=4");
        for (var n = 5; n <= 8; n++)
        {
            if (n == 8)
                await AppendAsync(name, id, n);
            Assert.Equal(n, (await NextFrameAsync(socket)).GetProperty("sequence").GetInt64());
        }

        await CloseAsync(socket);
    }

    [Fact]
    public async Task Without_a_sequence_the_stream_starts_at_the_next_event_and_the_instance_token_in_the_query_is_enough()
    {
        var name = "ws-" + Guid.NewGuid().ToString("N")[..10];
        var (id, token) = await Silo.CreateInstanceAsync(name);
        await AppendAsync(name, id, 1);

        var socket = await ConnectAsync($"token={Uri.EscapeDataString(token)}", apiKey: null);
        await AppendAsync(name, id, 2);
        Assert.Equal(2, (await NextFrameAsync(socket)).GetProperty("sequence").GetInt64());
        await CloseAsync(socket);
    }

    [Fact]
    public async Task A_wrong_key_or_another_instances_token_is_refused_and_a_missing_instance_is_404()
    {
        var name = "ws-" + Guid.NewGuid().ToString("N")[..10];
        await Silo.CreateInstanceAsync(name);
        var other = "ws-" + Guid.NewGuid().ToString("N")[..10];
        var (_, otherToken) = await Silo.CreateInstanceAsync(other);

        var wrong = await Assert.ThrowsAnyAsync<Exception>(() => ConnectAsync($"instanceName={name}", apiKey: "wrong"));
        Assert.Contains("401", wrong.Message);
        var foreign = await Assert.ThrowsAnyAsync<Exception>(() => ConnectAsync($"instanceName={name}&token={Uri.EscapeDataString(otherToken)}", apiKey: null));
        Assert.Contains("401", foreign.Message);
        var missing = await Assert.ThrowsAnyAsync<Exception>(() => ConnectAsync($"instanceName=nobody-{Guid.NewGuid():N}"));
        Assert.Contains("404", missing.Message);
    }
}
