namespace CodeChat.WhatsApp.Binary;

/// <summary>Position of a string in the token dictionaries: single-byte index, or dictionary + index.</summary>
public readonly record struct WaToken(bool IsDoubleByte, byte Dictionary, byte Index)
{
    public static WaToken Single(byte index) => new(false, 0, index);

    public static WaToken Double(byte dictionary, byte index) => new(true, dictionary, index);
}
