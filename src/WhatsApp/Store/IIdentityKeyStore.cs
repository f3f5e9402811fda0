using CodeChat.WhatsApp.Binary;

namespace CodeChat.WhatsApp.Store;

/// <summary>Trusted Signal identity keys of other devices, keyed by device JID.</summary>
public interface IIdentityKeyStore
{
    /// <summary>Stores the raw 32-byte identity key of <paramref name="device"/>, replacing any previous one.</summary>
    ValueTask SaveIdentityAsync(Jid device, byte[] identityKey, CancellationToken cancellationToken = default);

    ValueTask<byte[]?> GetIdentityAsync(Jid device, CancellationToken cancellationToken = default);
}
