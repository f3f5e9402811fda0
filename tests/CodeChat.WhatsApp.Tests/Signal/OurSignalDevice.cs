using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Signal;
using CodeChat.WhatsApp.Store;

namespace CodeChat.WhatsApp.Tests.Signal;

/// <summary>Our Signal implementation as one device: fresh credentials, prekeys and in-memory stores.</summary>
internal sealed class OurSignalDevice : IDisposable
{
    private OurSignalDevice(Jid jid, DeviceCredentials credentials, InMemoryDeviceStore store)
    {
        Jid = jid;
        Address = SignalAddress.FromJid(jid);
        Credentials = credentials;
        Store = store;
        Sessions = new SignalSessionManager(LocalSignalIdentity.FromCredentials(credentials), store, store, store);
    }

    public Jid Jid { get; }

    public SignalAddress Address { get; }

    public DeviceCredentials Credentials { get; }

    public InMemoryDeviceStore Store { get; }

    public SignalSessionManager Sessions { get; }

    public static async Task<OurSignalDevice> CreateAsync(string jid = "15550001111:3@s.whatsapp.net", int preKeys = 5)
    {
        var store = new InMemoryDeviceStore();
        var credentials = DeviceCredentials.CreateNew();
        await store.SaveCredentialsAsync(credentials);
        var keys = await store.GetOrGeneratePreKeysAsync(preKeys);
        await store.MarkPreKeysUploadedAsync(keys[^1].Id);
        return new OurSignalDevice(Jid.Parse(jid), credentials, store);
    }

    /// <summary>The bundle the server would hand out for us, with one-time prekey <paramref name="preKeyId"/> (or none).</summary>
    public async Task<PreKeyBundle> GetBundleAsync(uint? preKeyId)
    {
        var signed = Credentials.SignedPreKey;
        var preKey = preKeyId is { } id ? await Store.GetPreKeyAsync(id) : null;
        return new PreKeyBundle(
            Credentials.RegistrationId,
            Credentials.IdentityKey.ToPublicKey(),
            signed.Id,
            signed.KeyPair.ToPublicKey(),
            signed.Signature,
            preKey?.Id,
            preKey?.KeyPair.ToPublicKey());
    }

    public void Dispose() => Sessions.Dispose();
}
