using CodeChat.WhatsApp.Binary;

namespace CodeChat.WhatsApp.Store;

/// <summary>LID ↔ phone-number user mappings (whatsapp-protocol.md §7.5), keyed by non-device user JIDs.</summary>
public interface ILidMappingStore
{
    /// <summary>Records that <paramref name="lid"/> and <paramref name="phoneNumber"/> are the same user; device parts are dropped.</summary>
    ValueTask SaveLidMappingAsync(Jid lid, Jid phoneNumber, CancellationToken cancellationToken = default);

    ValueTask<Jid?> GetLidForPhoneNumberAsync(Jid phoneNumber, CancellationToken cancellationToken = default);

    ValueTask<Jid?> GetPhoneNumberForLidAsync(Jid lid, CancellationToken cancellationToken = default);
}
