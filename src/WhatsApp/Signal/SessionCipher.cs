using System.Security.Cryptography;
using CodeChat.WhatsApp.Crypto;

namespace CodeChat.WhatsApp.Signal;

/// <summary>
/// Encrypts and decrypts 1:1 messages on a peer's <see cref="SessionRecord"/>, advancing it in place
/// (whatsapp-protocol.md §6.4; libsignal-node <c>session_cipher.js</c>). Pure and synchronous: the
/// caller loads the record, calls this, and stores the record before the result leaves the process.
/// A failed decrypt leaves the record unchanged: every attempt runs on a copy of the state.
/// </summary>
public static class SessionCipher
{
    /// <summary>Encrypts on the current session: a pkmsg while the peer has not answered, else a msg.</summary>
    /// <exception cref="NoSignalSessionException">The record has no current session.</exception>
    public static EncryptedSignalMessage Encrypt(SessionRecord record, ReadOnlySpan<byte> plaintext)
    {
        ArgumentNullException.ThrowIfNull(record);
        var state = record.CurrentState ?? throw new NoSignalSessionException("There is no open session to encrypt with.");
        if (!state.HasSenderChain)
        {
            throw new NoSignalSessionException("The open session has no sending chain.");
        }

        var chainKey = state.SenderChainKey;
        var chainKeyBytes = chainKey.Key.Span;
        var seed = SignalKdf.MessageKeySeed(chainKeyBytes);
        var nextChainKey = SignalKdf.NextChainKey(chainKeyBytes);
        var keys = SignalKdf.DeriveMessageKeys(seed);
        var ciphertext = AesCbcCipher.Encrypt(keys.CipherKey, keys.Iv, plaintext);
        var message = SignalMessage.Create(
            keys.MacKey,
            state.SenderRatchetPublic,
            chainKey.Index,
            state.PreviousCounter,
            ciphertext,
            state.LocalIdentitySignal33,
            state.RemoteIdentitySignal33);
        state.SetSenderChainKey(chainKey.Index + 1, nextChainKey);

        if (state.PendingPreKey is not { } pending)
        {
            return new EncryptedSignalMessage(SignalMessageType.Whisper, message.Serialized.ToArray());
        }
        var preKeyMessage = PreKeySignalMessage.Create(
            state.Structure.LocalRegistrationId,
            pending.HasPreKeyId ? pending.PreKeyId : null,
            pending.SignedPreKeyId,
            Curve25519PublicKey.FromBytes(pending.BaseKey.Span),
            Curve25519PublicKey.FromBytes(state.LocalIdentitySignal33),
            message);
        return new EncryptedSignalMessage(SignalMessageType.PreKey, preKeyMessage.Serialized.ToArray());
    }

    /// <summary>
    /// Decrypts a msg with the current session, then the archived ones; the session that works is
    /// promoted to current.
    /// </summary>
    /// <exception cref="NoSignalSessionException">The record is empty.</exception>
    /// <exception cref="DuplicateSignalMessageException">The message key was used already.</exception>
    /// <exception cref="InvalidSignalMessageException">No session decrypts it.</exception>
    public static byte[] Decrypt(SessionRecord record, SignalMessage message) =>
        Decrypt(record, message, Curve25519KeyPair.Generate);

    internal static byte[] Decrypt(SessionRecord record, SignalMessage message, Func<Curve25519KeyPair> newKeyPair)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(message);
        if (record.IsEmpty)
        {
            throw new NoSignalSessionException("There is no session for this address.");
        }

        InvalidSignalMessageException? firstFailure = null;
        if (record.CurrentState is { } current)
        {
            var attempt = current.Clone();
            if (TryDecryptWithState(attempt, message, newKeyPair, out var plaintext, ref firstFailure))
            {
                record.ReplaceCurrentState(attempt);
                return plaintext;
            }
        }
        for (var i = 0; i < record.PreviousStates.Count; i++)
        {
            var attempt = record.PreviousStates[i].Clone();
            if (TryDecryptWithState(attempt, message, newKeyPair, out var plaintext, ref firstFailure))
            {
                record.ReplaceArchivedState(i, attempt);
                record.PromoteState(attempt);
                return plaintext;
            }
        }
        throw new InvalidSignalMessageException(
            $"No session of this address decrypts the message ({record.PreviousStates.Count + (record.CurrentState is null ? 0 : 1)} tried).",
            firstFailure!);
    }

    /// <summary>
    /// Decrypts a pkmsg. A message whose base key names a session we already have (the peer sent
    /// several pkmsgs before our reply) uses it; otherwise X3DH builds a new session from our signed
    /// prekey and <paramref name="oneTimePreKey"/>, which becomes current (the old one is archived).
    /// </summary>
    /// <param name="oneTimePreKey">Our one-time prekey the message names, loaded by the caller; null when it names none or we lack it.</param>
    /// <exception cref="InvalidSignalKeyIdException">The message names a signed or one-time prekey we do not have.</exception>
    public static PreKeyDecryption DecryptPreKeyMessage(
        SessionRecord record,
        LocalSignalIdentity ours,
        PreKeySignalMessage message,
        Curve25519KeyPair? oneTimePreKey) =>
        DecryptPreKeyMessage(record, ours, message, oneTimePreKey, Curve25519KeyPair.Generate);

    internal static PreKeyDecryption DecryptPreKeyMessage(
        SessionRecord record,
        LocalSignalIdentity ours,
        PreKeySignalMessage message,
        Curve25519KeyPair? oneTimePreKey,
        Func<Curve25519KeyPair> newKeyPair)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(ours);
        ArgumentNullException.ThrowIfNull(message);

        if (record.FindStateByTheirBaseKey(message.BaseKey.Signal33.Span) is not null)
        {
            return new PreKeyDecryption(Decrypt(record, message.Message, newKeyPair), ConsumedPreKeyId: null);
        }

        var signedPreKey = ours.FindSignedPreKey(message.SignedPreKeyId)
            ?? throw new InvalidSignalKeyIdException($"The pkmsg names signed prekey {message.SignedPreKeyId}, which we do not have.");
        if (message.PreKeyId is { } preKeyId && oneTimePreKey is null)
        {
            throw new InvalidSignalKeyIdException($"The pkmsg names one-time prekey {preKeyId}, which we do not have (consumed or never ours).");
        }

        var state = SessionBuilder.InitializeAsResponder(ours, message, signedPreKey, message.PreKeyId is null ? null : oneTimePreKey);
        InvalidSignalMessageException? failure = null;
        if (!TryDecryptWithState(state, message.Message, newKeyPair, out var plaintext, ref failure))
        {
            throw new InvalidSignalMessageException("The pkmsg does not decrypt with the session it sets up.", failure!);
        }
        record.PromoteState(state);
        return new PreKeyDecryption(plaintext, message.PreKeyId);
    }

    private static bool TryDecryptWithState(
        SessionState state,
        SignalMessage message,
        Func<Curve25519KeyPair> newKeyPair,
        out byte[] plaintext,
        ref InvalidSignalMessageException? firstFailure)
    {
        try
        {
            plaintext = DecryptWithState(state, message, newKeyPair);
            return true;
        }
        catch (InvalidSignalMessageException e)
        {
            firstFailure ??= e;
            plaintext = [];
            return false;
        }
    }

    private static byte[] DecryptWithState(SessionState state, SignalMessage message, Func<Curve25519KeyPair> newKeyPair)
    {
        if (!state.HasSenderChain)
        {
            throw new InvalidSignalMessageException("The session has no ratchet key.");
        }
        var theirRatchetKey = Curve25519PublicKey.FromBytes(message.SenderRatchetKey.Span);
        var chain = state.FindReceiverChain(message.SenderRatchetKey.Span);
        if (chain is null)
        {
            try
            {
                chain = DoubleRatchet.StepForIncomingRatchetKey(state, theirRatchetKey, message.PreviousCounter, newKeyPair);
            }
            catch (CryptographicException e)
            {
                throw new InvalidSignalMessageException("The message's ratchet key is unusable.", e);
            }
        }
        var seed = DoubleRatchet.TakeReceivingMessageKeySeed(state, chain, message.Counter);
        var keys = SignalKdf.DeriveMessageKeys(seed);
        if (!message.VerifyMac(keys.MacKey, state.RemoteIdentitySignal33, state.LocalIdentitySignal33))
        {
            throw new InvalidSignalMessageException("Bad MAC.");
        }
        byte[] plaintext;
        try
        {
            plaintext = AesCbcCipher.Decrypt(keys.CipherKey, keys.Iv, message.Ciphertext.Span);
        }
        catch (CryptographicException e)
        {
            throw new InvalidSignalMessageException("The ciphertext does not decrypt (bad padding).", e);
        }
        state.ClearPendingPreKey();
        return plaintext;
    }
}
