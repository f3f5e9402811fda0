using CodeChat.WhatsApp.Binary;

namespace CodeChat.WhatsApp.Store;

/// <summary>
/// What we hold about one contact's privacy tokens (whatsapp-protocol.md §6.13): the token the contact
/// issued to us, which our 1:1 sends to them carry (<c>&lt;tctoken&gt;</c>), with its timestamp, and when
/// we last issued ours to them.
/// </summary>
public sealed record PrivacyTokenRecord(byte[]? Token, DateTimeOffset? TokenTimestamp, DateTimeOffset? IssuedToContactAt);

/// <summary>Privacy tokens per contact, keyed by the contact's non-device user JID (the LID when known, as WhatsApp Web stores them).</summary>
public interface IPrivacyTokenStore
{
    ValueTask<PrivacyTokenRecord?> GetPrivacyTokenAsync(Jid contact, CancellationToken cancellationToken = default);

    /// <summary>Stores the token <paramref name="contact"/> issued to us, unless a token with a later timestamp is stored already.</summary>
    ValueTask SaveReceivedPrivacyTokenAsync(Jid contact, byte[] token, DateTimeOffset timestamp, CancellationToken cancellationToken = default);

    /// <summary>Records that we issued our token to <paramref name="contact"/> at <paramref name="issuedAt"/>.</summary>
    ValueTask SaveIssuedPrivacyTokenAsync(Jid contact, DateTimeOffset issuedAt, CancellationToken cancellationToken = default);
}
