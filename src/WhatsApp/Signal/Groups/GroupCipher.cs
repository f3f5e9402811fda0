using System.Security.Cryptography;
using CodeChat.WhatsApp.Crypto;

namespace CodeChat.WhatsApp.Signal.Groups;

/// <summary>
/// Encrypts our group messages with our sender key and decrypts members' messages with theirs
/// (whatsapp-protocol.md §6.7). Plaintexts are the padded <c>Message</c> protobuf (§6.8). Callers
/// serialise operations on one <see cref="SenderKeyName"/>; a record is stored only after the
/// operation succeeded, so a failed decrypt leaves the chain as it was.
/// </summary>
public sealed class GroupCipher
{
    private readonly ISenderKeyStore _store;

    public GroupCipher(ISenderKeyStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
    }

    /// <summary>
    /// Encrypts with the chain's current iteration and advances it by one (the standard libsignal
    /// step; Baileys' GroupCipher skips one iteration after the first message, which receivers
    /// tolerate, and is deliberately not copied). Returns the serialized <c>skmsg</c>.
    /// </summary>
    /// <exception cref="NoSenderKeyException">We have no sender key for the group: call <see cref="GroupSessionBuilder.CreateAsync"/> first.</exception>
    public async ValueTask<byte[]> EncryptAsync(SenderKeyName ourName, ReadOnlyMemory<byte> paddedPlaintext, CancellationToken cancellationToken = default)
    {
        var record = await _store.LoadSenderKeyAsync(ourName, cancellationToken).ConfigureAwait(false);
        var state = record?.CurrentState;
        if (state?.SigningKeyPair is not { } signingKey)
        {
            throw new NoSenderKeyException($"No sender key of our own for {ourName.Group}; create and distribute one first.");
        }
        var messageKey = state.NextSendingMessageKey();
        try
        {
            var ciphertext = AesCbcCipher.Encrypt(messageKey.CipherKey, messageKey.Iv, paddedPlaintext.Span);
            var message = SenderKeyMessage.Create(state.KeyId, messageKey.Iteration, ciphertext, signingKey);
            await _store.StoreSenderKeyAsync(ourName, record!, cancellationToken).ConfigureAwait(false);
            return message.Serialized.ToArray();
        }
        finally
        {
            messageKey.Clear();
        }
    }

    /// <summary>Verifies and decrypts a member's <c>skmsg</c>; returns the padded plaintext.</summary>
    /// <exception cref="NoSenderKeyException">No distribution message from this sender (for this key id).</exception>
    /// <exception cref="InvalidSignalMessageException">Malformed, bad signature, too far ahead, or does not decrypt.</exception>
    /// <exception cref="DuplicateSignalMessageException">Already decrypted (a redelivery or replay).</exception>
    public async ValueTask<byte[]> DecryptAsync(SenderKeyName senderName, ReadOnlyMemory<byte> senderKeyMessage, CancellationToken cancellationToken = default)
    {
        var message = SenderKeyMessage.Parse(senderKeyMessage.Span);
        var record = await _store.LoadSenderKeyAsync(senderName, cancellationToken).ConfigureAwait(false)
            ?? throw new NoSenderKeyException($"No sender key from {senderName.Sender} in {senderName.Group}.");
        var state = record.FindState(message.KeyId)
            ?? throw new NoSenderKeyException($"No sender key with id {message.KeyId} from {senderName.Sender} in {senderName.Group}.");
        if (!message.VerifySignature(state.SigningKey))
        {
            throw new InvalidSignalMessageException($"The sender key message from {senderName.Sender} in {senderName.Group} has an invalid signature.");
        }
        var messageKey = state.TakeReceivingMessageKey(message.Iteration);
        byte[] plaintext;
        try
        {
            plaintext = AesCbcCipher.Decrypt(messageKey.CipherKey, messageKey.Iv, message.Ciphertext.Span);
        }
        catch (CryptographicException e)
        {
            throw new InvalidSignalMessageException($"The sender key message from {senderName.Sender} in {senderName.Group} does not decrypt.", e);
        }
        finally
        {
            messageKey.Clear();
        }
        await _store.StoreSenderKeyAsync(senderName, record, cancellationToken).ConfigureAwait(false);
        return plaintext;
    }
}
