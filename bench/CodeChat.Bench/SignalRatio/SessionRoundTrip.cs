using CodeChat.WhatsApp.Crypto;
using CodeChat.WhatsApp.Signal;
using CodeChat.WhatsApp.Store;

namespace CodeChat.Bench.SignalRatio;

/// <summary>
/// 1:1 over an established session (the pkmsg and its answer exchanged before measuring): the
/// sender encrypts a <c>msg</c>, the receiver decrypts it, through <see cref="SignalSessionManager"/>
/// on in-memory stores that keep records serialized, as the PostgreSQL stores do and as Baileys'
/// signalStorage does with its JSON. <c>one-way</c> keeps one direction (chain steps only);
/// <c>ping-pong</c> alternates, so every message starts a Diffie-Hellman ratchet step.
/// </summary>
internal sealed class SessionRoundTrip : ISignalRoundTrip
{
    private readonly Party _alice;
    private readonly Party _bob;
    private readonly bool _pingPong;
    private int _turn;

    private SessionRoundTrip(Party alice, Party bob, bool pingPong)
    {
        _alice = alice;
        _bob = bob;
        _pingPong = pingPong;
    }

    public string Mode => _pingPong ? "session-ping-pong" : "session-one-way";

    public static async Task<SessionRoundTrip> CreateAsync(bool pingPong, CancellationToken cancellationToken)
    {
        var alice = Party.Create("111111111111111_1");
        var bob = Party.Create("222222222222222_1");
        await alice.Manager.ProcessBundleAsync(bob.Address, await bob.BundleAsync(cancellationToken), cancellationToken);
        var first = await alice.Manager.EncryptAsync(bob.Address, new byte[16], cancellationToken);
        await bob.Manager.DecryptAsync(alice.Address, first.Type, first.Serialized, cancellationToken);
        var reply = await bob.Manager.EncryptAsync(alice.Address, new byte[16], cancellationToken);
        await alice.Manager.DecryptAsync(bob.Address, reply.Type, reply.Serialized, cancellationToken);
        return new SessionRoundTrip(alice, bob, pingPong);
    }

    public async ValueTask<byte[]> RoundTripAsync(byte[] plaintext, CancellationToken cancellationToken)
    {
        var fromAlice = !_pingPong || _turn++ % 2 == 0;
        var (sender, receiver) = fromAlice ? (_alice, _bob) : (_bob, _alice);
        var message = await sender.Manager.EncryptAsync(receiver.Address, plaintext, cancellationToken);
        if (message.Type != SignalMessageType.Whisper)
        {
            throw new InvalidOperationException($"Expected an established session, got a {message.EncType}.");
        }
        var result = await receiver.Manager.DecryptAsync(sender.Address, message.Type, message.Serialized, cancellationToken);
        return result.Plaintext;
    }

    private sealed record Party(SignalAddress Address, DeviceCredentials Credentials, InMemoryDeviceStore Store, SignalSessionManager Manager)
    {
        public static Party Create(string name)
        {
            var credentials = DeviceCredentials.CreateNew();
            var store = new InMemoryDeviceStore();
            var manager = new SignalSessionManager(LocalSignalIdentity.FromCredentials(credentials), store, store, store);
            return new Party(new SignalAddress(name, 0), credentials, store, manager);
        }

        public async Task<PreKeyBundle> BundleAsync(CancellationToken cancellationToken)
        {
            var preKey = (await Store.GetOrGeneratePreKeysAsync(1, cancellationToken))[0];
            return new PreKeyBundle(
                Credentials.RegistrationId,
                Credentials.IdentityKey.ToPublicKey(),
                Credentials.SignedPreKey.Id,
                Credentials.SignedPreKey.KeyPair.ToPublicKey(),
                Credentials.SignedPreKey.Signature,
                preKey.Id,
                preKey.KeyPair.ToPublicKey());
        }
    }
}
