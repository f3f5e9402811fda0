using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using CodeChat.WhatsApp.Proto;

namespace CodeChat.WhatsApp.AppState;

/// <summary>
/// The four MACs of app state (whatsapp-protocol.md §9.2; whatsmeow appstate/hash.go, Baileys 7
/// chat-utils <c>generateMac</c>, <c>generateSnapshotMac</c>, <c>generatePatchMac</c>).
/// </summary>
public static class AppStateMacs
{
    public const int Length = 32;

    /// <summary><c>HMAC-SHA256(index key, index JSON)</c>: a mutation's stable name, the key of the LT-hash's map.</summary>
    public static byte[] IndexMac(AppStateKeys keys, ReadOnlySpan<byte> index)
    {
        ArgumentNullException.ThrowIfNull(keys);
        return HMACSHA256.HashData(keys.Index.Span, index);
    }

    /// <summary>
    /// <c>HMAC-SHA512(value-MAC key, [op] || keyId || iv||ciphertext || BE64(len(keyId)+1))[0..32]</c>,
    /// where op is 1 for SET and 2 for REMOVE.
    /// </summary>
    public static byte[] ValueMac(AppStateKeys keys, SyncdMutation.Types.SyncdOperation operation, ReadOnlySpan<byte> keyId, ReadOnlySpan<byte> encryptedValue)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var total = new byte[1 + keyId.Length + encryptedValue.Length + 8];
        total[0] = operation == SyncdMutation.Types.SyncdOperation.Remove ? (byte)2 : (byte)1;
        keyId.CopyTo(total.AsSpan(1));
        encryptedValue.CopyTo(total.AsSpan(1 + keyId.Length));
        BinaryPrimitives.WriteUInt64BigEndian(total.AsSpan(total.Length - 8), (ulong)(keyId.Length + 1));
        return HMACSHA512.HashData(keys.ValueMac.Span, total)[..Length];
    }

    /// <summary><c>HMAC-SHA256(snapshot-MAC key, ltHash || BE64(version) || name)</c>.</summary>
    public static byte[] SnapshotMac(AppStateKeys keys, ReadOnlySpan<byte> ltHash, ulong version, string collection)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var name = Encoding.UTF8.GetBytes(collection);
        var total = new byte[ltHash.Length + 8 + name.Length];
        ltHash.CopyTo(total);
        BinaryPrimitives.WriteUInt64BigEndian(total.AsSpan(ltHash.Length), version);
        name.CopyTo(total.AsSpan(ltHash.Length + 8));
        return HMACSHA256.HashData(keys.SnapshotMac.Span, total);
    }

    /// <summary><c>HMAC-SHA256(patch-MAC key, snapshotMac || valueMac… || BE64(version) || name)</c>.</summary>
    public static byte[] PatchMac(AppStateKeys keys, ReadOnlySpan<byte> snapshotMac, IEnumerable<ReadOnlyMemory<byte>> valueMacs, ulong version, string collection)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(valueMacs);
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, keys.PatchMac.Span);
        hmac.AppendData(snapshotMac);
        foreach (var valueMac in valueMacs)
            hmac.AppendData(valueMac.Span);
        Span<byte> versionBytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(versionBytes, version);
        hmac.AppendData(versionBytes);
        hmac.AppendData(Encoding.UTF8.GetBytes(collection));
        return hmac.GetHashAndReset();
    }
}
