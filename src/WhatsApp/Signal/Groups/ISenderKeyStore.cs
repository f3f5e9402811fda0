namespace CodeChat.WhatsApp.Signal.Groups;

/// <summary>
/// Persists sender-key records per <see cref="SenderKeyName"/>, for one instance. A loaded record is
/// the caller's own copy: changes reach the store only through <see cref="StoreSenderKeyAsync"/>,
/// which must be durable when its task completes (a ratchet step that is used but not stored would
/// desync the group chain after a crash). Callers serialise operations on one name.
/// </summary>
public interface ISenderKeyStore
{
    /// <summary>The record, or null when there is none.</summary>
    ValueTask<SenderKeyRecord?> LoadSenderKeyAsync(SenderKeyName name, CancellationToken cancellationToken = default);

    ValueTask StoreSenderKeyAsync(SenderKeyName name, SenderKeyRecord record, CancellationToken cancellationToken = default);

    /// <summary>Deletes the record; a missing one is not an error.</summary>
    ValueTask RemoveSenderKeyAsync(SenderKeyName name, CancellationToken cancellationToken = default);
}
