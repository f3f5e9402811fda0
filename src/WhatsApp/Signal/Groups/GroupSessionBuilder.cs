using System.Security.Cryptography;
using CodeChat.WhatsApp.Crypto;

namespace CodeChat.WhatsApp.Signal.Groups;

/// <summary>
/// Creates our sender key for a group and the distribution message that hands it to members,
/// takes in members' distribution messages, and rotates ours (whatsapp-protocol.md §6.7; Baileys
/// <c>GroupSessionBuilder</c>, libsignal <c>GroupSessionBuilder</c>).
/// </summary>
public sealed class GroupSessionBuilder
{
    private readonly ISenderKeyStore _store;

    public GroupSessionBuilder(ISenderKeyStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
    }

    /// <summary>
    /// Our distribution message for the group, creating our sender key first when there is none:
    /// a random 31-bit key id, 32 random chain-key bytes, a new signing key pair, iteration 0.
    /// The message carries the current iteration, so members who get it later cannot decrypt what
    /// we sent before.
    /// </summary>
    public async ValueTask<SenderKeyDistributionMessage> CreateAsync(SenderKeyName ourName, CancellationToken cancellationToken = default)
    {
        var record = await _store.LoadSenderKeyAsync(ourName, cancellationToken).ConfigureAwait(false) ?? new SenderKeyRecord();
        if (record.CurrentState?.SigningKeyPair is null)
        {
            var keyId = (uint)RandomNumberGenerator.GetInt32(int.MaxValue);
            var chainKey = RandomNumberGenerator.GetBytes(SignalKdf.KeyLength);
            try
            {
                record.SetOwnState(keyId, new SenderChainKey(0, chainKey), Curve25519KeyPair.Generate());
            }
            finally
            {
                CryptographicOperations.ZeroMemory(chainKey);
            }
            await _store.StoreSenderKeyAsync(ourName, record, cancellationToken).ConfigureAwait(false);
        }
        return record.CurrentState!.ToDistributionMessage();
    }

    /// <summary>Stores a member's distribution message so that its group messages decrypt.</summary>
    public async ValueTask ProcessAsync(SenderKeyName senderName, SenderKeyDistributionMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var record = await _store.LoadSenderKeyAsync(senderName, cancellationToken).ConfigureAwait(false) ?? new SenderKeyRecord();
        record.AddReceivedState(message);
        await _store.StoreSenderKeyAsync(senderName, record, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Drops our sender key for the group, after a participant left or was removed: the next
    /// <see cref="CreateAsync"/> makes a fresh key, which the removed member never receives, and
    /// the send must distribute it to every remaining member device.
    /// </summary>
    public ValueTask RotateAsync(SenderKeyName ourName, CancellationToken cancellationToken = default) =>
        _store.RemoveSenderKeyAsync(ourName, cancellationToken);
}
