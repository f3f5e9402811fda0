namespace CodeChat.Grains.Abstractions.Webhooks;

/// <summary>
/// Which events an endpoint receives. <see cref="Flags"/> null means every event (the request had no
/// <c>events</c>); otherwise only events whose flag is <c>true</c> (CodeChat 1.3: a missing key is off).
/// </summary>
[GenerateSerializer]
[Alias("CodeChat.WebhookEventSelection")]
[Immutable]
public sealed record WebhookEventSelection([property: Id(0)] IReadOnlyDictionary<string, bool>? Flags)
{
    public static WebhookEventSelection Everything { get; } = new((IReadOnlyDictionary<string, bool>?)null);

    public bool Allows(string eventName)
    {
        if (Flags is null)
            return true;
        var flag = WebhookEventFlags.FlagOf(eventName);
        return flag is not null && Flags.TryGetValue(flag, out var on) && on;
    }

    /// <summary>Every canonical flag with its effective value, or null when every event is selected.</summary>
    public IReadOnlyDictionary<string, bool>? Effective() =>
        Flags is null ? null : WebhookEventFlags.All.ToDictionary(flag => flag, flag => Flags.TryGetValue(flag, out var on) && on, StringComparer.Ordinal);

    /// <summary>CodeChat 1.3's per-key merge: keys present in <paramref name="change"/> replace the stored ones.</summary>
    public WebhookEventSelection MergedWith(IReadOnlyDictionary<string, bool> change)
    {
        if (Flags is null)
            return new WebhookEventSelection(new Dictionary<string, bool>(change, StringComparer.Ordinal));
        var merged = new Dictionary<string, bool>(Flags, StringComparer.Ordinal);
        foreach (var (flag, value) in change)
            merged[flag] = value;
        return new WebhookEventSelection(merged);
    }
}
