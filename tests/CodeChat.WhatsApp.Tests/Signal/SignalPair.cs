using CodeChat.WhatsApp.Crypto;
using CodeChat.WhatsApp.Signal;

namespace CodeChat.WhatsApp.Tests.Signal;

/// <summary>Two parties of our own Signal core on in-memory records (no stores): Alice initiates from Bob's bundle.</summary>
internal sealed class SignalPair
{
    public SignalPair()
    {
        AliceIdentity = NewIdentity();
        BobIdentity = NewIdentity();
    }

    public LocalSignalIdentity AliceIdentity { get; }

    public LocalSignalIdentity BobIdentity { get; }

    public Curve25519KeyPair BobOneTimePreKey { get; } = Curve25519KeyPair.Generate();

    public SessionRecord Alice { get; } = new();

    public SessionRecord Bob { get; } = new();

    public PreKeyBundle BobBundle(uint? preKeyId = 7) => BundleOf(BobIdentity, preKeyId is null ? null : (preKeyId.Value, BobOneTimePreKey));

    public static PreKeyBundle BundleOf(LocalSignalIdentity identity, (uint Id, Curve25519KeyPair Key)? preKey)
    {
        var signed = identity.FindSignedPreKey(1)!;
        return new PreKeyBundle(
            identity.RegistrationId,
            identity.IdentityKey.PublicKey,
            1,
            signed.PublicKey,
            identity.IdentityKey.Sign(signed.PublicKey.Signal33.Span),
            preKey?.Id,
            preKey?.Key.PublicKey);
    }

    /// <summary>Alice builds the session and sends one pkmsg; Bob decrypts it and the session is up.</summary>
    public void Establish()
    {
        Alice.PromoteState(SessionBuilder.InitializeAsInitiator(AliceIdentity, BobBundle()));
        var first = PreKeySignalMessage.Parse(SessionCipher.Encrypt(Alice, "hello"u8).Serialized);
        SessionCipher.DecryptPreKeyMessage(Bob, BobIdentity, first, BobOneTimePreKey);
    }

    public static LocalSignalIdentity NewIdentity() =>
        new(Curve25519KeyPair.Generate(), (uint)Random.Shared.Next(1, 0x3FFF), new Dictionary<uint, Curve25519KeyPair> { [1] = Curve25519KeyPair.Generate() });

    /// <summary>Decrypts on an established session; a pkmsg (the initiator has not heard back yet) carries its msg inside.</summary>
    public static byte[] Decrypt(SessionRecord record, EncryptedSignalMessage message) =>
        SessionCipher.Decrypt(record, message.Type == SignalMessageType.PreKey
            ? PreKeySignalMessage.Parse(message.Serialized).Message
            : SignalMessage.Parse(message.Serialized));
}
