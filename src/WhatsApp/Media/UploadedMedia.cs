namespace CodeChat.WhatsApp.Media;

/// <summary>
/// An encrypted upload as a media message carries it (whatsapp-protocol.md §8.2 step 5): where it
/// is (<see cref="Url"/>, <see cref="DirectPath"/>), the key that opens it and its hashes.
/// </summary>
public sealed record UploadedMedia(string Url, string DirectPath, byte[] MediaKey, byte[] FileSha256, byte[] FileEncSha256, long FileLength)
{
    // The media key opens the file: never print it.
    public override string ToString() => $"{DirectPath.Split('?')[0]} ({FileLength} bytes)";
}
