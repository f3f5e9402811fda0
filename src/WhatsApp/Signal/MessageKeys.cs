namespace CodeChat.WhatsApp.Signal;

/// <summary>
/// The keys of one Signal message: AES-256-CBC key, HMAC-SHA256 key and the 16-byte IV
/// (whatsapp-protocol.md §6.2: chunks 0, 1 and the first half of 2 of "WhisperMessageKeys").
/// </summary>
public readonly struct MessageKeys
{
    private readonly byte[] _material;

    internal MessageKeys(byte[] material)
    {
        if (material.Length != 3 * SignalKdf.KeyLength)
        {
            throw new ArgumentException("Message key material is 96 bytes.", nameof(material));
        }
        _material = material;
    }

    public ReadOnlySpan<byte> CipherKey => _material.AsSpan(0, 32);

    public ReadOnlySpan<byte> MacKey => _material.AsSpan(32, 32);

    public ReadOnlySpan<byte> Iv => _material.AsSpan(64, 16);
}
