using System.Collections.Frozen;
using System.Collections.Immutable;

namespace CodeChat.WhatsApp.Binary;

/// <summary>
/// The v3 string dictionaries of WhatsApp's binary XML (whatsapp-protocol.md §3.6): lookups in both
/// directions, built once per process on first use and immutable afterwards.
/// </summary>
public sealed class WaTokenDictionary
{
    private static readonly Lazy<WaTokenDictionary> LazyCurrent =
        new(() => new WaTokenDictionary(WaTokenTables.CreateSingleByteTokens(), WaTokenTables.CreateDoubleByteTokens()));

    private readonly FrozenDictionary<string, WaToken> _byValue;

    private WaTokenDictionary(string[] singleByte, string[][] doubleByte)
    {
        SingleByteTokens = [.. singleByte];
        DoubleByteTokens = [.. doubleByte.Select(d => d.ToImmutableArray())];

        var byValue = new Dictionary<string, WaToken>(StringComparer.Ordinal);
        for (var index = 1; index < singleByte.Length; index++)
        {
            byValue[singleByte[index]] = WaToken.Single((byte)index);
        }
        for (var dictionary = 0; dictionary < doubleByte.Length; dictionary++)
        {
            for (var index = 0; index < doubleByte[dictionary].Length; index++)
            {
                // A string present in both tables is written as its single-byte form, like the references do.
                byValue.TryAdd(doubleByte[dictionary][index], WaToken.Double((byte)dictionary, (byte)index));
            }
        }
        _byValue = byValue.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>The dictionary WhatsApp Web currently negotiates (version byte 3 of the <c>WA 06 03</c> prologue).</summary>
    public static WaTokenDictionary Current => LazyCurrent.Value;

    public int Version => WaTokenTables.DictionaryVersion;

    /// <summary>Single-byte tokens; index 0 is the empty string and is never written.</summary>
    public ImmutableArray<string> SingleByteTokens { get; }

    /// <summary>The four double-byte dictionaries (tag bytes 236–239), 256 strings each.</summary>
    public ImmutableArray<ImmutableArray<string>> DoubleByteTokens { get; }

    public bool TryGetToken(string value, out WaToken token) => _byValue.TryGetValue(value, out token);

    public bool TryGetSingleByte(byte index, out string value)
    {
        if (index >= 1 && index < SingleByteTokens.Length)
        {
            value = SingleByteTokens[index];
            return true;
        }
        value = "";
        return false;
    }

    public bool TryGetDoubleByte(int dictionary, byte index, out string value)
    {
        if (dictionary >= 0 && dictionary < DoubleByteTokens.Length && index < DoubleByteTokens[dictionary].Length)
        {
            value = DoubleByteTokens[dictionary][index];
            return true;
        }
        value = "";
        return false;
    }
}
