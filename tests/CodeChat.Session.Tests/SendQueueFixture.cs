using System.Text.Json;
using CodeChat.Testing;
using CodeChat.WaEmulator;
using CodeChat.WaEmulator.Model;
using CodeChat.WaEmulator.Protocol;

namespace CodeChat.Session.Tests;

/// <summary>
/// One emulator, one open instance (outbound rate limit high, so the mailing tests measure the queue,
/// not the limit) and one Baileys 7 peer (Bob) that proves a mailing's message decrypts; the other
/// recipients are plain emulated phones, which check every ciphertext as a phone must before it decrypts.
/// </summary>
public sealed class SendQueueFixture(PostgresServerFixture postgres, BaileysInteropPackages packages) : IAsyncLifetime
{
    public const int MaxRecipients = 150;

    private WaEmulatorServer? _emulator;

    public WaEmulatorServer Emulator => _emulator!;

    public SendingInstance Instance { get; private set; } = null!;

    public BaileysPeer Bob { get; private set; } = null!;

    public EmulatedAccount BobAccount { get; private set; } = null!;

    public PostgresServerFixture Postgres => postgres;

    public async ValueTask InitializeAsync()
    {
        Assert.NotNull(packages);
        _emulator = await WaEmulatorServer.StartAsync(new WaEmulatorOptions());
        Instance = await SendingInstance.StartAsync(postgres, _emulator, new Dictionary<string, string?>
        {
            ["SendQueues:InstanceMessagesPerMinute"] = "600000",
            ["SendQueues:MaxRecipients"] = MaxRecipients.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        (Bob, BobAccount) = await Instance.AddPeerAsync("Bob");
    }

    /// <summary>Emulated accounts with only their phone: recipients that take no Node process.</summary>
    public List<EmulatedAccount> CreatePhones(int count) => [.. Enumerable.Range(0, count).Select(_ => Emulator.Emulator.CreateAccount())];

    public async ValueTask DisposeAsync()
    {
        if (Instance is not null)
            await Instance.DisposeAsync();
        if (_emulator is not null)
            await _emulator.DisposeAsync();
    }
}

/// <summary>What the mailing tests read back: the queue's events in outbox order and what each recipient's phone got.</summary>
internal static class Mailings
{
    /// <summary>The events of one queue, in sequence order (name, data).</summary>
    public static async Task<List<(string Event, JsonElement Data)>> EventsOfAsync(SendingInstance instance, string queueId)
    {
        var events = new List<(string, JsonElement)>();
        foreach (var record in await instance.Host.EventsAsync(instance.Name))
        {
            using var data = JsonDocument.Parse(record.DataJson);
            if (QueueIdOf(data.RootElement) == queueId)
                events.Add((record.Event, data.RootElement.Clone()));
        }
        return events;
    }

    /// <summary>Polls the outbox until the queue has an event named <paramref name="eventName"/> (at least <paramref name="count"/> of them).</summary>
    public static async Task<List<(string Event, JsonElement Data)>> WaitForAsync(SendingInstance instance, string queueId, string eventName, int count = 1)
    {
        var deadline = DateTime.UtcNow + SendingInstance.Patience + SendingInstance.Patience;
        while (true)
        {
            var events = await EventsOfAsync(instance, queueId);
            if (events.Count(e => e.Event == eventName) >= count)
                return events;
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"Queue {queueId} has {events.Count(e => e.Event == eventName)} {eventName} events, not {count}: {string.Join(", ", events.Select(e => e.Event))}");
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>The message ids our device sent to <paramref name="account"/>'s phone (every copy the phone inspected).</summary>
    public static List<PhoneCopy> CopiesFrom(EmulatedAccount account, SendingInstance instance) =>
        [.. account.PrimaryPhone.Copies.Where(c => c.FromDevice == instance.Device.PnJid)];

    /// <summary>Message stanzas our device sent to any of <paramref name="accounts"/>, with the time the emulator got each.</summary>
    public static List<RoutedStanza> SendsTo(SendingInstance instance, IEnumerable<EmulatedAccount> accounts)
    {
        var jids = accounts.Select(a => a.PnJid).ToHashSet(StringComparer.Ordinal);
        return [.. instance.Emulator.Emulator.Journal
            .Where(e => e.Direction == StanzaDirection.FromClient && e.Tag == "message" && e.Device == instance.Device.PnJid && e.To is not null && jids.Contains(e.To))
            .OrderBy(e => e.At)];
    }

    private static string? QueueIdOf(JsonElement data)
    {
        if (data.ValueKind != JsonValueKind.Object)
            return null;
        if (data.TryGetProperty("queueId", out var direct) && direct.ValueKind == JsonValueKind.String)
            return direct.GetString();
        return data.TryGetProperty("queue", out var queue) && queue.ValueKind == JsonValueKind.Object
            && queue.TryGetProperty("queueId", out var id) && id.ValueKind == JsonValueKind.String
            ? id.GetString()
            : null;
    }
}
