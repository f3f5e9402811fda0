using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Crypto;
using CodeChat.WhatsApp.Pairing;
using CodeChat.WhatsApp.Proto;
using CodeChat.WhatsApp.ServerSide;
using CodeChat.WhatsApp.Signal;
using Google.Protobuf;

namespace CodeChat.WaEmulator.Model;

/// <summary>
/// An account's primary phone (device 0). It holds the ADV account signing key (which doubles as its
/// Signal identity, as on the probe: emulator-notes.md §0) and real Signal keys, because every client
/// encrypts each 1:1 message to device 0 too and needs a valid bundle for it. Ciphertext addressed to
/// the phone is inspected and dropped; the only messages the phone decrypts are its own companions'
/// peer messages (<see cref="DecryptFromCompanion"/>: app-state key requests). It also encrypts: it
/// sends its own companions protocol messages (history sync notifications, app-state key shares) on
/// Signal sessions it starts from their uploaded bundles, with our Signal code (<see cref="EncryptForCompanion"/>).
/// </summary>
public sealed class SimulatedPhone
{
    private const int OneTimePreKeyBatch = 50;
    private readonly Curve25519KeyPair _accountKey = Curve25519KeyPair.Generate();
    private readonly object _gate = new();
    private int _nextPreKeyId = 1;
    private readonly ConcurrentDictionary<uint, bool> _handedOutPreKeys = new();
    // The private halves of the one-time prekeys, for a companion's pkmsg the phone decrypts (peer messages only).
    private readonly ConcurrentDictionary<uint, Curve25519KeyPair> _oneTimePreKeyPairs = new();
    // Sender devices (PN device JID) whose pkmsg the phone accepted: it has a session with them.
    private readonly ConcurrentDictionary<string, bool> _sessions = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<PhoneCopy> _copies = new();
    private readonly LocalSignalIdentity _signalIdentity;
    // The phone's outgoing sessions with its companions (PN device JID), guarded by _gate.
    private readonly Dictionary<string, SessionRecord> _companionSessions = new(StringComparer.Ordinal);
    // Messages the phone sent to companions (id → companion PN device JID) and the receipts they answered with.
    private readonly ConcurrentDictionary<string, string> _sentToCompanions = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<PhoneReceipt> _receipts = new();

    public SimulatedPhone()
    {
        AccountPublicKey = _accountKey.PublicKey.Raw32.ToArray();

        // Signal signs the 33-byte (0x05-prefixed) form of the signed prekey.
        var signedPreKey = Curve25519KeyPair.Generate();
        var signedPreKeyPublic = signedPreKey.PublicKey.Raw32.ToArray();
        var signature = _accountKey.Sign(signedPreKey.PublicKey.Signal33.Span);
        var registrationId = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(registrationId, (uint)(RandomNumberGenerator.GetInt32(1, 0x3FFF)));
        Keys = new DeviceKeys(registrationId, AccountPublicKey, new SignedPreKeyRecord([0, 0, 1], signedPreKeyPublic, signature));
        _signalIdentity = new LocalSignalIdentity(
            _accountKey,
            BinaryPrimitives.ReadUInt32BigEndian(registrationId),
            new Dictionary<uint, Curve25519KeyPair> { [1] = signedPreKey });
        AddOneTimePreKeys();
    }

    /// <summary>Receipts companions sent for the phone's own messages (delivery, <c>peer_msg</c>, <c>hist_sync</c>…), in arrival order.</summary>
    public IReadOnlyList<PhoneReceipt> ReceiptsFromCompanions => [.. _receipts];

    /// <summary>
    /// Encrypts <paramref name="message"/> (padded, as every v2 <c>enc</c>) for <paramref name="companion"/>:
    /// the first message starts a session from the companion's bundle (<paramref name="takeBundle"/>,
    /// which consumes one of its one-time prekeys), and every message on it is a pkmsg whose identity is
    /// the account key: libsignal stays with pkmsg until the peer answers on the session, and the
    /// simulated phone never reads answers.
    /// </summary>
    internal EncryptedSignalMessage EncryptForCompanion(LinkedDevice companion, Message message, Func<LinkedDevice, PreKeyBundle> takeBundle)
    {
        var plaintext = MessagePadding.Pad(message.ToByteArray());
        lock (_gate)
        {
            if (!_companionSessions.TryGetValue(companion.PnJid, out var record))
            {
                record = new SessionRecord();
                record.PromoteState(SessionBuilder.InitializeAsInitiator(_signalIdentity, takeBundle(companion)));
                _companionSessions[companion.PnJid] = record;
            }

            return SessionCipher.Encrypt(record, plaintext);
        }
    }

    /// <summary>The app-state sync keys this phone holds and shares with companions that ask.</summary>
    public PhoneAppStateKeys AppStateKeys { get; } = new();

    /// <summary>
    /// Decrypts a peer message a companion of this account sent its phone (a pkmsg on this phone's
    /// keys, or a msg on the session either side started) and returns the unpadded <see cref="Message"/>;
    /// null (with <paramref name="failure"/>) when it does not decrypt.
    /// </summary>
    internal Message? DecryptFromCompanion(LinkedDevice companion, Node enc, out string? failure)
    {
        var bytes = enc.Bytes is { } content ? content : ReadOnlyMemory<byte>.Empty;
        try
        {
            byte[] padded;
            lock (_gate)
            {
                var record = _companionSessions.GetValueOrDefault(companion.PnJid) ?? new SessionRecord();
                if (enc.GetAttribute("type") == "pkmsg")
                {
                    var message = PreKeySignalMessage.Parse(bytes.Span);
                    var oneTime = message.PreKeyId is { } id ? _oneTimePreKeyPairs.GetValueOrDefault(id) : null;
                    var decrypted = SessionCipher.DecryptPreKeyMessage(record, _signalIdentity, message, oneTime);
                    if (decrypted.ConsumedPreKeyId is { } consumed)
                        _oneTimePreKeyPairs.TryRemove(consumed, out _);
                    padded = decrypted.Plaintext;
                }
                else
                {
                    padded = SessionCipher.Decrypt(record, SignalMessage.Parse(bytes.Span));
                }
                _companionSessions[companion.PnJid] = record;
            }
            failure = null;
            return Message.Parser.ParseFrom(MessagePadding.Unpad(padded).Span);
        }
        catch (Exception ex) when (ex is SignalProtocolException or InvalidProtocolBufferException or ArgumentException)
        {
            failure = ex.Message;
            return null;
        }
    }

    /// <summary>Remembers a message the phone sent to a companion, so that its receipts are kept here.</summary>
    internal void NoteSent(string id, LinkedDevice companion) => _sentToCompanions[id] = companion.PnJid;

    /// <summary>Keeps a receipt when it answers a message this phone sent; false when it answers something else.</summary>
    internal bool TryRecordReceipt(string fromDevice, string? type, IEnumerable<string> ids)
    {
        var own = ids.Where(_sentToCompanions.ContainsKey).ToList();
        foreach (var id in own)
        {
            _receipts.Enqueue(new PhoneReceipt(fromDevice, id, type ?? ""));
        }

        return own.Count > 0;
    }

    /// <summary>The ADV account key; also the phone's Signal identity.</summary>
    public byte[] AccountPublicKey { get; }

    public DeviceKeys Keys { get; }

    /// <summary>XEdDSA signature with the account key (pair-success account signature).</summary>
    public byte[] SignWithAccountKey(ReadOnlySpan<byte> message) => _accountKey.Sign(message);

    /// <summary>
    /// Signs a companion into the account: the pair-success <c>device-identity</c>, HMACed with the
    /// adv secret the companion showed in its QR or derived through the pairing code.
    /// </summary>
    internal ADVSignedDeviceIdentityHMAC SignCompanion(ADVDeviceIdentity details, Curve25519PublicKey companionIdentity, ReadOnlySpan<byte> advSecret) =>
        PrimaryDeviceIdentity.CreateSignedDeviceIdentity(_accountKey, details, companionIdentity, advSecret);

    /// <summary>The phone's half of pairing-code linking once the user typed <paramref name="code"/>; the account key is its identity.</summary>
    internal PrimaryPairingCode BeginPairingCode(string code) => new(code, Curve25519KeyPair.Generate(), _accountKey);

    /// <summary>Every ciphertext companions addressed to this phone, in arrival order.</summary>
    public IReadOnlyList<PhoneCopy> Copies => [.. _copies];

    /// <summary>
    /// Looks at a ciphertext for this phone the way the phone must before it can decrypt — but does
    /// not decrypt (emulator-notes.md §0). A pkmsg must be built on this phone's keys (its signed
    /// prekey, a one-time prekey it handed out) with the sender's uploaded registration id and identity, and
    /// come with a <c>device-identity</c> whose account signature the sender's account key made for
    /// that identity (pitfall P22: without it the phone shows "waiting for this message"); a msg
    /// needs an earlier accepted pkmsg from the same device. The result is recorded in <see cref="Copies"/>.
    /// </summary>
    internal PhoneCopy Inspect(LinkedDevice sender, string id, bool ownDevice, Node enc, Node? deviceIdentity)
    {
        var type = enc.GetAttribute("type") ?? "";
        var rejection = type switch
        {
            "pkmsg" => CheckPreKeyMessage(sender, enc, deviceIdentity),
            "msg" => _sessions.ContainsKey(sender.PnJid) || HasCompanionSession(sender) ? null : "msg without an earlier pkmsg from this device (no session)",
            _ => $"enc type '{type}' is not a 1:1 ciphertext",
        };
        if (rejection is null && type == "pkmsg")
        {
            _sessions[sender.PnJid] = true;
        }
        var copy = new PhoneCopy(sender.PnJid, id, ownDevice, type, rejection);
        _copies.Enqueue(copy);
        return copy;
    }

    private string? CheckPreKeyMessage(LinkedDevice sender, Node enc, Node? deviceIdentity)
    {
        PreKeySignalMessage message;
        try
        {
            message = PreKeySignalMessage.Parse(enc.Bytes is { } bytes ? bytes.Span : default);
        }
        catch (SignalProtocolException ex)
        {
            return "unparsable pkmsg: " + ex.Message;
        }
        // libsignal puts the sender's registration id in the pkmsg
        if (message.RegistrationId != BinaryPrimitives.ReadUInt32BigEndian(sender.Keys.RegistrationId))
        {
            return "pkmsg registration id is not the sender device's";
        }
        if (message.SignedPreKeyId != ThreeByteId(Keys.SignedPreKey.Id))
        {
            return "pkmsg names another signed prekey";
        }
        if (message.PreKeyId is { } preKeyId && !_handedOutPreKeys.ContainsKey(preKeyId))
        {
            return $"pkmsg names one-time prekey {preKeyId}, which this phone never handed out";
        }
        if (!message.IdentityKey.Raw32.Span.SequenceEqual(sender.Keys.IdentityPublicKey))
        {
            return "pkmsg identity is not the sender device's identity";
        }
        if (deviceIdentity?.Bytes is not { } identityBytes)
        {
            return "pkmsg without device-identity";
        }
        try
        {
            var signed = ADVSignedDeviceIdentity.Parser.ParseFrom(identityBytes.Span);
            var signatureMessage = DeviceIdentitySignatures.AccountSignatureMessage(signed.Details.Span, message.IdentityKey, hostedDevice: false);
            // signed by the SENDER's account (its phone), whoever receives the copy
            var senderPhone = sender.Account.PrimaryPhone;
            if (signed.HasAccountSignatureKey && !signed.AccountSignatureKey.Span.SequenceEqual(senderPhone.AccountPublicKey))
            {
                return "device-identity names another account key than the sender's";
            }
            if (!senderPhone._accountKey.PublicKey.Verify(signatureMessage, signed.AccountSignature.Span))
            {
                return "device-identity account signature does not verify for the sender's identity";
            }
            var details = ADVDeviceIdentity.Parser.ParseFrom(signed.Details);
            if (details.KeyIndex != (uint)sender.KeyIndex)
            {
                return "device-identity key index is not the sender device's";
            }
        }
        catch (Google.Protobuf.InvalidProtocolBufferException)
        {
            return "device-identity is not an ADVSignedDeviceIdentity";
        }
        return null;
    }

    // A companion that decrypted the phone's pkmsg answers on that session with msg.
    private bool HasCompanionSession(LinkedDevice companion)
    {
        lock (_gate)
        {
            return _companionSessions.ContainsKey(companion.PnJid);
        }
    }

    private static uint ThreeByteId(byte[] id) => (uint)(id[0] << 16 | id[1] << 8 | id[2]);

    /// <summary>A fresh one-time prekey for a bundle; the phone never runs out.</summary>
    public OneTimePreKeyRecord TakeOneTimePreKey()
    {
        while (true)
        {
            if (Keys.TakeOneTimePreKey() is { } key)
            {
                _handedOutPreKeys[ThreeByteId(key.Id)] = true;
                return key;
            }

            AddOneTimePreKeys();
        }
    }

    private void AddOneTimePreKeys()
    {
        var batch = new List<OneTimePreKeyRecord>(OneTimePreKeyBatch);
        lock (_gate)
        {
            for (var i = 0; i < OneTimePreKeyBatch; i++)
            {
                var id = _nextPreKeyId++;
                var pair = Curve25519KeyPair.Generate();
                _oneTimePreKeyPairs[(uint)id] = pair;
                batch.Add(new OneTimePreKeyRecord([(byte)(id >> 16), (byte)(id >> 8), (byte)id], pair.PublicKey.Raw32.ToArray()));
            }
        }

        Keys.AddOneTimePreKeys(batch);
    }
}
