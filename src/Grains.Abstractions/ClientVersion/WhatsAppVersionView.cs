namespace CodeChat.Grains.Abstractions.ClientVersion;

/// <summary>
/// What <c>GET /admin/whatsappVersion</c> shows. <see cref="Version"/> is the one instances claim:
/// the stored value if any, else the configured one, else the compiled-in default (<see cref="Origin"/>
/// says which).
/// </summary>
[GenerateSerializer]
[Alias("CodeChat.WhatsAppVersionView")]
[Immutable]
public sealed record WhatsAppVersionView(
    [property: Id(0)] string Version,
    [property: Id(1)] string Origin,
    [property: Id(2)] StoredWhatsAppVersion? Stored,
    [property: Id(3)] string? Configured,
    [property: Id(4)] string CompiledDefault,
    [property: Id(5)] WhatsAppVersionRefresherView Refresher);

/// <summary>The cluster-wide value in PostgreSQL and who wrote it (<c>admin</c> or <c>refresher</c>).</summary>
[GenerateSerializer]
[Alias("CodeChat.StoredWhatsAppVersion")]
[Immutable]
public sealed record StoredWhatsAppVersion(
    [property: Id(0)] string Version,
    [property: Id(1)] string UpdatedBy,
    [property: Id(2)] DateTimeOffset UpdatedAt);

/// <summary>
/// The refresher: <see cref="Source"/> is the service worker it reads (null when off), <see cref="Interval"/>
/// its schedule (null: only after a 405), and the outcome of its last check since this silo started.
/// </summary>
[GenerateSerializer]
[Alias("CodeChat.WhatsAppVersionRefresherView")]
[Immutable]
public sealed record WhatsAppVersionRefresherView(
    [property: Id(0)] bool Enabled,
    [property: Id(1)] string? Source,
    [property: Id(2)] TimeSpan? Interval,
    [property: Id(3)] DateTimeOffset? LastCheckAt,
    [property: Id(4)] string? LastFound,
    [property: Id(5)] string? LastError);

/// <summary>Where the version in use comes from, in precedence order.</summary>
public static class WhatsAppVersionOrigins
{
    public const string Stored = "stored";
    public const string Configured = "configured";
    public const string Default = "default";
}

/// <summary>The admin route that reads and sets the version; named in the refusal a stale version causes.</summary>
public static class WhatsAppVersionRoute
{
    public const string Path = "/admin/whatsappVersion";
}
