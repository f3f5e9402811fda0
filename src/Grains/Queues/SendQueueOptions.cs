namespace CodeChat.Grains.Queues;

/// <summary>Settings of the send queues (configuration section <c>SendQueues</c>).</summary>
public sealed class SendQueueOptions
{
    public const string SectionName = "SendQueues";

    /// <summary>
    /// The most mailing messages one instance sends per minute, all of its queues together (default
    /// 60, one a second). Bursts get WhatsApp accounts banned (Evolution #2228): this cap holds
    /// whatever <c>delay</c> a caller chose and however many queues run at once. Single sends
    /// (<c>number</c>) are not counted: their caller paces them.
    /// </summary>
    public int InstanceMessagesPerMinute { get; set; } = 60;

    /// <summary>The most recipients one mailing may have (default 1000); more → 400 naming <c>numbers</c>.</summary>
    public int MaxRecipients { get; set; } = 1000;

    /// <summary>How long a queue waits before it tries again when the instance is not connected (default 5 s).</summary>
    public TimeSpan DisconnectedRetryInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The gap the instance leaves between two mailing messages.</summary>
    public TimeSpan InstanceSendInterval => TimeSpan.FromTicks(TimeSpan.TicksPerMinute / InstanceMessagesPerMinute);

    /// <summary>Why the settings cannot be used, or null when they can.</summary>
    public string? Validate()
    {
        if (InstanceMessagesPerMinute is < 1 or > 600_000)
            return "SendQueues:InstanceMessagesPerMinute must be 1 to 600000.";
        if (MaxRecipients is < 1 or > 100_000)
            return "SendQueues:MaxRecipients must be 1 to 100000.";
        if (DisconnectedRetryInterval <= TimeSpan.Zero || DisconnectedRetryInterval > TimeSpan.FromMinutes(5))
            return "SendQueues:DisconnectedRetryInterval must be above 0 and at most 5 minutes.";
        return null;
    }
}
