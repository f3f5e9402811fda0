using CodeChat.WhatsApp.Binary;

namespace CodeChat.WhatsApp.Pairing;

/// <summary>The parts of <c>&lt;iq&gt;&lt;pair-success&gt;</c> a companion uses (whatsapp-protocol.md §4.3).</summary>
public sealed record PairSuccessStanza(
    string IqId,
    ReadOnlyMemory<byte> DeviceIdentity,
    Jid Jid,
    Jid? Lid,
    string? Platform,
    string? BusinessName)
{
    /// <summary>Reads a pair-success iq.</summary>
    /// <exception cref="WaBinaryException">A required part is missing.</exception>
    public static PairSuccessStanza Parse(Node iq)
    {
        ArgumentNullException.ThrowIfNull(iq);
        var pairSuccess = iq.GetRequiredChild("pair-success");
        var device = pairSuccess.GetRequiredChild("device");
        var identity = pairSuccess.GetRequiredChild("device-identity").Bytes
            ?? throw new WaBinaryException("<device-identity> has no byte content.");
        return new PairSuccessStanza(
            iq.GetRequiredAttribute("id"),
            identity,
            device.GetRequiredJid("jid"),
            device.GetJid("lid"),
            pairSuccess.GetChild("platform")?.GetAttribute("name"),
            pairSuccess.GetChild("biz")?.GetAttribute("name"));
    }
}
