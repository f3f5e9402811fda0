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

    /// <summary>Why the settings cannot be used, or null when they can.</summary>
    public string? Validate()
    {
        if (SendTimeout <= TimeSpan.Zero || SendTimeout > TimeSpan.FromMinutes(10))
            return "Messaging:SendTimeout must be above 0 and at most 10 minutes.";
        if (NumberCheckCacheTime < TimeSpan.Zero)
            return "Messaging:NumberCheckCacheTime must not be negative.";
        if (NumberCheckCacheSize < 1)
            return "Messaging:NumberCheckCacheSize must be at least 1.";
        return null;
    }
}
