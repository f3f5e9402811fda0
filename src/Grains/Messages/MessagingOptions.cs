namespace CodeChat.Grains.Messages;

/// <summary>Settings of the send pipeline (configuration section <c>Messaging</c>).</summary>
public sealed class MessagingOptions
{
    public const string SectionName = "Messaging";

    /// <summary>
    /// How long a send waits for WhatsApp's server ack before answering 202 with the message PENDING
    /// (api-contract.md §6); the send goes on in the background. Counted from when the message was
    /// accepted, so a delay longer than this also answers 202.
    /// </summary>
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long a number's "on WhatsApp" answer is reused before WhatsApp is asked again.</summary>
    public TimeSpan NumberCheckCacheTime { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>The most numbers one instance keeps answers for (the oldest make room).</summary>
    public int NumberCheckCacheSize { get; set; } = 5000;

    /// <summary>
    /// How many numbers <c>/chat/whatsappNumbers</c> may ask WhatsApp about per instance in
    /// <see cref="NumberCheckRateWindow"/> (answers from the cache are free; a send's lookup counts but is
    /// never refused). Bursts of lookups get numbers banned (Evolution API #2228).
    /// </summary>
    public int NumberCheckRateLimit { get; set; } = 120;

    /// <summary>The window <see cref="NumberCheckRateLimit"/> is counted over (refilled evenly).</summary>
    public TimeSpan NumberCheckRateWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Why the settings cannot be used, or null when they can.</summary>
    public string? Validate()
    {
        if (SendTimeout <= TimeSpan.Zero || SendTimeout > TimeSpan.FromMinutes(10))
            return "Messaging:SendTimeout must be above 0 and at most 10 minutes.";
        if (NumberCheckCacheTime < TimeSpan.Zero)
            return "Messaging:NumberCheckCacheTime must not be negative.";
        if (NumberCheckCacheSize < 1)
            return "Messaging:NumberCheckCacheSize must be at least 1.";
        if (NumberCheckRateLimit < 1)
            return "Messaging:NumberCheckRateLimit must be at least 1.";
        if (NumberCheckRateWindow <= TimeSpan.Zero)
            return "Messaging:NumberCheckRateWindow must be above 0.";
        return null;
    }
}
