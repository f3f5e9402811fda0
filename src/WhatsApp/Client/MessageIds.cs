using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using CodeChat.WhatsApp.Binary;

namespace CodeChat.WhatsApp.Client;

/// <summary>
/// Message ids as WhatsApp Web makes them (whatsapp-protocol.md §6.12; whatsmeow
/// <c>GenerateMessageID</c>, Baileys <c>generateMessageIDV2</c>): <c>"3EB0"</c> + the first 9 bytes,
/// upper-case hex, of SHA-256(BE64 unix seconds ‖ own user + "@c.us" ‖ 16 random bytes) — 22 characters.
/// </summary>
public static class MessageIds
{
    public static string Generate(Jid ownUser, DateTimeOffset now)
    {
        var user = Encoding.UTF8.GetBytes(ownUser.User + "@c.us");
        var data = new byte[8 + user.Length + 16];
        BinaryPrimitives.WriteInt64BigEndian(data, now.ToUnixTimeSeconds());
        user.CopyTo(data, 8);
        RandomNumberGenerator.Fill(data.AsSpan(8 + user.Length));
        return "3EB0" + Convert.ToHexString(SHA256.HashData(data), 0, 9);
    }
}
