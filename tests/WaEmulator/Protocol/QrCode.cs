namespace CodeChat.WaEmulator.Protocol;

/// <summary>
/// The parts of a pairing QR string. Current form (whatsapp-protocol.md §4.2):
/// https://wa.me/settings/linked_devices#ref,b64(noise),b64(identity),b64(adv),platformId;
/// the older 4-part "ref,noise,identity,adv" form is accepted too.
/// </summary>
public sealed record QrCode(string Ref, byte[] NoisePublicKey, byte[] IdentityPublicKey, byte[] AdvSecret, string? PlatformId)
{
    public static QrCode Parse(string qr)
    {
        ArgumentNullException.ThrowIfNull(qr);
        var hash = qr.IndexOf('#', StringComparison.Ordinal);
        var body = hash >= 0 ? qr[(hash + 1)..] : qr;
        var parts = body.Split(',');
        if (parts.Length is not (4 or 5))
        {
            throw new FormatException($"a pairing QR has 4 or 5 comma-separated parts, this one has {parts.Length}");
        }

        try
        {
            return new QrCode(
                parts[0],
                Convert.FromBase64String(parts[1]),
                Convert.FromBase64String(parts[2]),
                Convert.FromBase64String(parts[3]),
                parts.Length == 5 ? parts[4] : null);
        }
        catch (FormatException ex)
        {
            throw new FormatException("a pairing QR key part is not base64", ex);
        }
    }
}
