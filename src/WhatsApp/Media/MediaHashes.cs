namespace CodeChat.WhatsApp.Media;

/// <summary>
/// What the message protobuf needs about an encrypted upload (whatsapp-protocol.md §8.2): the hash
/// of the plaintext, the hash of the uploaded body (also the upload token), the plaintext length.
/// </summary>
public sealed record MediaHashes(byte[] FileSha256, byte[] FileEncSha256, long FileLength);
