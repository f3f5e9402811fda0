using CodeChat.WhatsApp.Client;

namespace CodeChat.WhatsApp.Tests.Client;

/// <summary>Reading a WaClient's event stream in end-to-end tests against the emulator.</summary>
internal static class ClientEvents
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The next event of type <typeparamref name="T"/> (matching, if given); a timeout names what was seen instead.</summary>
    public static async Task<T> WaitForAsync<T>(WaClient client, Func<T, bool>? match = null, TimeSpan? timeout = null) where T : WaEvent
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(timeout ?? DefaultTimeout);
        var seen = new List<WaEvent>();
        try
        {
            while (true)
            {
                var next = await client.Events.ReadAsync(deadline.Token);
                if (next is not NodeReceivedEvent)
                {
                    seen.Add(next);
                }
                if (next is T typed && (match is null || match(typed)))
                {
                    return typed;
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No {typeof(T).Name}; saw {string.Join(", ", seen)}");
        }
    }

    /// <summary>Everything the client raised within <paramref name="settle"/> from now.</summary>
    public static async Task<List<WaEvent>> DrainAsync(WaClient client, TimeSpan settle)
    {
        await Task.Delay(settle);
        var events = new List<WaEvent>();
        while (client.Events.TryRead(out var next))
        {
            events.Add(next);
        }
        return events;
    }
}
