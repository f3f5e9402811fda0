using CodeChat.WhatsApp.Crypto;

namespace CodeChat.WhatsApp.AppState;

/// <summary>
/// The five keys one app-state sync key expands to (whatsapp-protocol.md §9.2; whatsmeow
/// appstate/keys.go <c>expandAppStateKeys</c>, Baileys 7 chat-utils <c>mutationKeys</c>):
/// <c>HKDF-SHA256(keyData, no salt, "WhatsApp Mutation Keys", 160)</c> cut into five 32-byte keys.
/// </summary>
public sealed class AppStateKeys
{
    public const int KeyLength = 32;
    private const string Info = "WhatsApp Mutation Keys";

    private AppStateKeys(byte[] expanded)
    {
        Index = expanded.AsMemory(0, KeyLength);
        ValueEncryption = expanded.AsMemory(32, KeyLength);
        ValueMac = expanded.AsMemory(64, KeyLength);
        SnapshotMac = expanded.AsMemory(96, KeyLength);
        PatchMac = expanded.AsMemory(128, KeyLength);
    }

    /// <summary>Signs a mutation's index (the JSON array naming what it changes).</summary>
    public ReadOnlyMemory<byte> Index { get; }

    /// <summary>AES-256-CBC key of a mutation's value.</summary>
    public ReadOnlyMemory<byte> ValueEncryption { get; }

    /// <summary>Signs a mutation's encrypted value.</summary>
    public ReadOnlyMemory<byte> ValueMac { get; }

    /// <summary>Signs a collection's LT-hash at a version.</summary>
    public ReadOnlyMemory<byte> SnapshotMac { get; }

    /// <summary>Signs a patch (its snapshot MAC, value MACs and version).</summary>
    public ReadOnlyMemory<byte> PatchMac { get; }

    /// <summary>Expands the 32-byte (or longer) <c>keyData</c> of an <c>AppStateSyncKey</c>.</summary>
    public static AppStateKeys Expand(ReadOnlySpan<byte> keyData)
    {
        if (keyData.IsEmpty)
            throw new ArgumentException("An app-state sync key has key data.", nameof(keyData));
        return new AppStateKeys(KeyDerivation.HkdfSha256(keyData, ReadOnlySpan<byte>.Empty, Info, 5 * KeyLength));
    }
}
