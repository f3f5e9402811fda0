namespace CodeChat.WhatsApp.Crypto;

/// <summary>
/// Result of encrypting media for upload: the body (AES-CBC ciphertext followed by the 10-byte
/// truncated HMAC) and the hashes and length that go into the message protobuf.
/// </summary>
public sealed record EncryptedMedia(byte[] Body, byte[] FileSha256, byte[] FileEncSha256, long FileLength)
{
    /// <summary>The trailing 10-byte MAC of <see cref="Body"/>.</summary>
    public ReadOnlyMemory<byte> Mac => Body.AsMemory(Body.Length - MediaCrypto.MacLength);
}
