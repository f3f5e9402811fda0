namespace CodeChat.WhatsApp.Signal;

/// <summary>
/// A decrypted pkmsg. <see cref="ConsumedPreKeyId"/> is the one-time prekey the new session used:
/// delete it once the record is stored (pitfall P11), never before.
/// </summary>
public sealed record PreKeyDecryption(byte[] Plaintext, uint? ConsumedPreKeyId);
