namespace CodeChat.Grains.Abstractions.Queues;

/// <summary>The send queues of one instance (keyed by the instance name), for the list route.</summary>
[Alias("CodeChat.ISendQueueDirectoryGrain")]
public interface ISendQueueDirectoryGrain : IGrainWithStringKey
{
    /// <summary>The instance's running and paused queues, oldest first; null when the instance does not exist.</summary>
    [Alias("List")]
    Task<IReadOnlyList<SendQueueView>?> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// The most numbers one mailing may have (<c>SendQueues:MaxRecipients</c>, a silo setting), so a
    /// front end can refuse a larger one before it does expensive work such as a media upload.
    /// </summary>
    [Alias("MaxRecipients")]
    Task<int> GetMaxRecipientsAsync();
}
