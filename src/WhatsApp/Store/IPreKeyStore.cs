namespace CodeChat.WhatsApp.Store;

/// <summary>
/// One-time prekeys (whatsapp-protocol.md §5.2). Ids are monotonic for the life of the instance and
/// never reused; keys are persisted before they are uploaded (pitfall P11).
/// </summary>
public interface IPreKeyStore
{
    /// <summary>
    /// Up to <paramref name="count"/> keys that are not uploaded yet, oldest first: the ones left over
    /// from an interrupted upload, then fresh ones (<see cref="PreKeyRecord.Generate"/>) with ids after
    /// the highest id ever issued. New keys are durable before the task completes.
    /// </summary>
    ValueTask<IReadOnlyList<PreKeyRecord>> GetOrGeneratePreKeysAsync(int count, CancellationToken cancellationToken = default);

    /// <summary>Marks every key with id ≤ <paramref name="lastId"/> as uploaded.</summary>
    ValueTask MarkPreKeysUploadedAsync(uint lastId, CancellationToken cancellationToken = default);

    ValueTask<PreKeyRecord?> GetPreKeyAsync(uint id, CancellationToken cancellationToken = default);

    /// <summary>Deletes a consumed key; call only after the session built from it is stored.</summary>
    ValueTask RemovePreKeyAsync(uint id, CancellationToken cancellationToken = default);

    ValueTask<int> CountUploadedPreKeysAsync(CancellationToken cancellationToken = default);
}
