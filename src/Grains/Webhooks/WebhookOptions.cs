using CodeChat.Grains.Abstractions.Webhooks;

namespace CodeChat.Grains.Webhooks;

/// <summary>The "Webhooks" configuration section (README "Webhooks").</summary>
public sealed class WebhookOptions
{
    public const string SectionName = "Webhooks";

    /// <summary>How long one POST may take before it counts as failed (api-contract.md §4: 10 s).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Wait before the n-th retry of an event (the last entry repeats): about immediately, 10 s, 1 min,
    /// 5 min, 30 min, 2 h, then every 6 h, each ±<see cref="Jitter"/>.
    /// </summary>
    public List<TimeSpan> RetrySchedule { get; set; } = [];

    /// <summary>How long after an event's first failure it is retried before it is dead-lettered (72 h).</summary>
    public TimeSpan RetryBudget { get; set; } = TimeSpan.FromHours(72);

    /// <summary>Relative spread of each retry delay (0.2 = ±20 %).</summary>
    public double Jitter { get; set; } = 0.2;

    /// <summary>Longest <c>Retry-After</c> honoured; a receiver asking for more waits this long.</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromHours(6);

    /// <summary>
    /// Networks (CIDR, e.g. "10.0.0.0/8", "127.0.0.1/32") that webhook URLs may reach although they are
    /// loopback, private, link-local or otherwise internal. Empty: only public addresses.
    /// </summary>
    public List<string> AllowedNetworks { get; set; } = [];

    /// <summary>How often each silo looks for lines with undelivered events (a safety net under the wake-ups).</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long the delivery log keeps attempts.</summary>
    public TimeSpan LogRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How long the previous secret keeps signing after a rotation.</summary>
    public TimeSpan SecretRotationGrace { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// After this long a stored <c>qrcode.updated</c> event loses its QR and pairing codes even if an
    /// endpoint has not received it yet (issue 14 §2: 10 minutes).
    /// </summary>
    public TimeSpan QrCodeRetention { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// A delivered <c>qrcode.updated</c> event keeps its codes at least this long, so a connected
    /// <c>/ws/events</c> subscriber (it reads new events within seconds) still gets them.
    /// </summary>
    public TimeSpan QrCodeStreamGrace { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The most events one replay request may queue.</summary>
    public int MaxReplay { get; set; } = 1000;

    /// <summary>The webhook every instance's events also go to, with its own event filter.</summary>
    public GlobalWebhookOptions Global { get; set; } = new();

    public static IReadOnlyList<TimeSpan> DefaultRetrySchedule { get; } =
    [
        TimeSpan.Zero, TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5),
        TimeSpan.FromMinutes(30), TimeSpan.FromHours(2), TimeSpan.FromHours(6),
    ];

    public IReadOnlyList<TimeSpan> EffectiveRetrySchedule => RetrySchedule.Count > 0 ? RetrySchedule : DefaultRetrySchedule;
}

public sealed class GlobalWebhookOptions
{
    public string? Url { get; set; }

    public bool Enabled { get; set; } = true;

    /// <summary>Same flags as <c>webhook/set</c>'s <c>events</c>; empty selects every event.</summary>
    public Dictionary<string, bool> Events { get; set; } = [];

    /// <summary>The Standard Webhooks secret (<c>whsec_…</c>) the global webhook is signed with; required with a URL.</summary>
    public string? Secret { get; set; }

    public bool IsConfigured => Enabled && !string.IsNullOrWhiteSpace(Url);

    public WebhookEventSelection Selection()
    {
        if (Events.Count == 0)
            return WebhookEventSelection.Everything;
        var canonical = WebhookEventFlags.Canonicalize(Events, out var unknown);
        if (unknown.Count > 0)
            throw new InvalidOperationException($"Webhooks:Global:Events has unknown event flags: {string.Join(", ", unknown)}.");
        return new WebhookEventSelection(canonical);
    }
}
