using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CodeChat.WhatsApp.Binary;

namespace CodeChat.WhatsApp.Signal;

/// <summary>
/// The <c>phash</c> attribute of group <c>&lt;message&gt;</c>s: a short hash of the device list the
/// message was encrypted for. The server answers with its own in the ack; a mismatch means our
/// device cache is stale (whatsapp-protocol.md §6.9).
/// </summary>
/// <remarks>
/// whatsmeow's <c>participantListHashV2</c>: every device JID in "AD string" form
/// <c>user.agent:device@server</c> (agent 0 for PN and LID), sorted ordinally, concatenated,
/// SHA-256, then <c>"2:" + base64-without-padding(hash[0:6])</c>. Baileys'
/// <c>generateParticipantHashV2</c> hashes the plain JID strings instead and keeps 6 base64
/// characters; we follow whatsmeow.
/// </remarks>
public static class ParticipantListHash
{
    private const int HashPrefixBytes = 6;

    public static string Compute(IEnumerable<Jid> devices)
    {
        ArgumentNullException.ThrowIfNull(devices);
        var adStrings = devices.Select(ToAdString).ToList();
        adStrings.Sort(StringComparer.Ordinal);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(string.Concat(adStrings)));
        // 6 bytes encode to exactly 8 base64 characters, so there is never padding to strip.
        return "2:" + Convert.ToBase64String(hash, 0, HashPrefixBytes);
    }

    /// <summary>whatsmeow <c>JID.ADString</c>: <c>user.agent:device@server</c>.</summary>
    internal static string ToAdString(Jid device)
    {
        if (device.User.Length == 0)
        {
            throw new ArgumentException($"'{device}' is not a device JID.", nameof(device));
        }
        return string.Create(CultureInfo.InvariantCulture, $"{device.User}.{device.Agent}:{device.Device}@{device.Server}");
    }
}
