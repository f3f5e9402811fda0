namespace CodeChat.WhatsApp.Store;

/// <summary>
/// All persistent state of one WhatsApp instance that the connection layer needs. One store per
/// instance; implementations must be safe for concurrent calls from that instance's client.
/// </summary>
public interface IDeviceStore : ICredentialStore, IPreKeyStore, IIdentityKeyStore, ILidMappingStore, IPrivacyTokenStore
{
    /// <summary>Deletes everything of this instance (logout, 401): credentials, prekeys, identities, mappings.</summary>
    ValueTask WipeAsync(CancellationToken cancellationToken = default);
}
