using CodeChat.WhatsApp.Crypto;

namespace CodeChat.WhatsApp.AppState;

/// <summary>
/// WhatsApp's LT-hash ("WAPatchIntegrity"; whatsapp-protocol.md §9.2, whatsmeow appstate/lthash,
/// Baileys 7 lt-hash): a 128-byte sum over every value MAC a collection holds, so the same set of
/// values gives the same hash in whatever order the mutations came. Each value MAC is expanded with
/// <c>HKDF-SHA256(valueMac, no salt, "WhatsApp Patch Integrity", 128)</c>, read as 64 little-endian
/// 16-bit words, and added to (SET) or subtracted from (replaced or REMOVEd) the state word by word,
/// modulo 2^16.
/// </summary>
public static class LtHash
{
    public const int Length = 128;
    private const string Info = "WhatsApp Patch Integrity";

    /// <summary>Adds the point of <paramref name="valueMac"/> to <paramref name="state"/> in place.</summary>
    public static void Add(Span<byte> state, ReadOnlySpan<byte> valueMac) => Mix(state, valueMac, subtract: false);

    /// <summary>Subtracts the point of <paramref name="valueMac"/> from <paramref name="state"/> in place.</summary>
    public static void Subtract(Span<byte> state, ReadOnlySpan<byte> valueMac) => Mix(state, valueMac, subtract: true);

    private static void Mix(Span<byte> state, ReadOnlySpan<byte> valueMac, bool subtract)
    {
        if (state.Length != Length)
            throw new ArgumentException($"An LT-hash is {Length} bytes.", nameof(state));
        var point = KeyDerivation.HkdfSha256(valueMac, ReadOnlySpan<byte>.Empty, Info, Length);
        for (var i = 0; i < Length; i += 2)
        {
            var word = state[i] | (state[i + 1] << 8);
            var delta = point[i] | (point[i + 1] << 8);
            var result = (ushort)(subtract ? word - delta : word + delta);
            state[i] = (byte)result;
            state[i + 1] = (byte)(result >> 8);
        }
    }
}
