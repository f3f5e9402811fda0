using System.Buffers.Binary;
using System.Security.Cryptography;
using CodeChat.WhatsApp.Crypto;
using CodeChat.WhatsApp.Pairing;
using CodeChat.WhatsApp.Proto;
using CodeChat.WhatsApp.ServerSide;

namespace CodeChat.WaEmulator.Model;

/// <summary>
/// An account's primary phone (device 0). It holds the ADV account signing key (which doubles as its
/// Signal identity, as on the probe: emulator-notes.md §0) and real Signal keys, because every client
/// encrypts each 1:1 message to device 0 too and needs a valid bundle for it. Ciphertext addressed to
/// the phone is dropped; the phone never decrypts.
/// </summary>
public sealed class SimulatedPhone
{
    private const int OneTimePreKeyBatch = 50;
    private readonly Curve25519KeyPair _accountKey = Curve25519KeyPair.Generate();
    private readonly object _gate = new();
    private int _nextPreKeyId = 1;

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
        AddOneTimePreKeys();
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

    /// <summary>A fresh one-time prekey for a bundle; the phone never runs out.</summary>
    public OneTimePreKeyRecord TakeOneTimePreKey()
    {
        while (true)
        {
            if (Keys.TakeOneTimePreKey() is { } key)
            {
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
                var publicKey = Curve25519KeyPair.Generate().PublicKey.Raw32.ToArray();
                batch.Add(new OneTimePreKeyRecord([(byte)(id >> 16), (byte)(id >> 8), (byte)id], publicKey));
            }
        }

        Keys.AddOneTimePreKeys(batch);
    }
}
