namespace CodeChat.WaEmulator.Media;

/// <summary>One uploaded blob exactly as the client sent it (encrypted media + 10-byte MAC); the emulator never decrypts it.</summary>
public sealed record StoredMedia(string MediaType, string DirectPath, string Url, byte[] Body, DateTimeOffset UploadedAt)
{
    /// <summary>SHA-256 of the body: the fileEncSha256 of the message that references it.</summary>
    public byte[] EncryptedSha256 => System.Security.Cryptography.SHA256.HashData(Body);
}
