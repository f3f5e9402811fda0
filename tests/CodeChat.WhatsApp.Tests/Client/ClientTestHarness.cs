using System.Threading.Channels;
using CodeChat.WhatsApp.Client;
using CodeChat.WhatsApp.Store;
using Microsoft.Extensions.Time.Testing;

namespace CodeChat.WhatsApp.Tests.Client;

/// <summary>A WaClient on fake time and a fake transport, with helpers to wait for events.</summary>
internal sealed class ClientTestHarness : IAsyncDisposable
{
    public ClientTestHarness(WaClientOptions? options = null, InMemoryDeviceStore? store = null, Microsoft.Extensions.Logging.ILogger<WaClient>? logger = null)
    {
        Store = store ?? new InMemoryDeviceStore();
        Options = options ?? new WaClientOptions
        {
            IqTimeout = TimeSpan.FromMinutes(30),
            InitialPreKeyUploadCount = 30,
            PreKeyRefillCount = 10,
            ReconnectJitter = 0,
        };
        Client = new WaClient(Options, Store, logger, Time, Connector);
    }

    public FakeTimeProvider Time { get; } = new();

    public FakeWaConnector Connector { get; } = new();

    public InMemoryDeviceStore Store { get; }

    public WaClientOptions Options { get; }

    public WaClient Client { get; }

    public List<WaEvent> Seen { get; } = [];

    /// <summary>
    /// Advances fake time a second at a time (real pauses let the run loop register its delays) until the
    /// condition holds. One big step can come before the client has created the delay it should end.
    /// </summary>
    public async Task AdvanceUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            Time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
        Assert.True(condition(), "The condition never held.");
    }

    /// <summary>Reads events until one of type <typeparamref name="T"/> matches, advancing fake time by <paramref name="step"/> while waiting.</summary>
    public async Task<T> WaitForEventAsync<T>(Func<T, bool>? match = null, TimeSpan? step = null, int maxSteps = 2000) where T : WaEvent
    {
        for (var i = 0; i < maxSteps; i++)
        {
            using var wait = new CancellationTokenSource(TimeSpan.FromMilliseconds(step is null ? 10_000 : 20));
            try
            {
                while (true)
                {
                    var next = await Client.Events.ReadAsync(wait.Token);
                    Seen.Add(next);
                    if (next is T typed && (match is null || match(typed)))
                    {
                        return typed;
                    }
                }
            }
            catch (OperationCanceledException) when (step is not null)
            {
                Time.Advance(step.Value);
            }
            catch (ChannelClosedException)
            {
                break;
            }
        }
        throw new TimeoutException($"No {typeof(T).Name} event; saw: {string.Join(", ", Seen)}");
    }

    public async ValueTask DisposeAsync() => await Client.DisposeAsync();
}
