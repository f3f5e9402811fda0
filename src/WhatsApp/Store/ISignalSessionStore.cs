using CodeChat.WhatsApp.Signal;

namespace CodeChat.WhatsApp.Store;

/// <summary>
/// Signal 1:1 session records, one opaque serialized <see cref="SessionRecord"/> per peer address
/// (whatsapp-protocol.md §6.6). Callers serialize operations per instance (the instance's turn) and
/// store the record after every encrypt/decrypt before the stanza leaves: a lost write desyncs the
/// ratchet. Records contain private ratchet keys: implementations keep them encrypted at rest where
/// they can, and never log them.
/// </summary>
public interface ISignalSessionStore
{
    /// <summary>The stored record of <paramref name="address"/>, or null.</summary>
    ValueTask<byte[]?> LoadSessionAsync(SignalAddress address, CancellationToken cancellationToken = default);

    /// <summary>The stored records of several addresses (one message's fan-out); absent ones are missing from the result.</summary>
    ValueTask<IReadOnlyDictionary<SignalAddress, byte[]>> LoadSessionsAsync(IReadOnlyCollection<SignalAddress> addresses, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores every record in one transaction: all or none are durable when the task completes
    /// (the writes of one message's fan-out, whatsapp issue 9).
    /// </summary>
    ValueTask StoreSessionsAsync(IReadOnlyCollection<KeyValuePair<SignalAddress, byte[]>> records, CancellationToken cancellationToken = default);

    /// <summary>Deletes the record of one address (no-op when absent).</summary>
    ValueTask DeleteSessionAsync(SignalAddress address, CancellationToken cancellationToken = default);

    /// <summary>The addresses with a stored record whose name is <paramref name="name"/> (every device of one user).</summary>
    ValueTask<IReadOnlyList<SignalAddress>> ListSessionsAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>
    /// Moves records in one transaction (PN → LID migration): each source record is written under its
    /// target address unless the target already has one (the LID session is the one in use then), and
    /// the source record is deleted either way.
    /// </summary>
    ValueTask MoveSessionsAsync(IReadOnlyCollection<KeyValuePair<SignalAddress, SignalAddress>> moves, CancellationToken cancellationToken = default);
}
