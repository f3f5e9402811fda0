using System.Globalization;
using System.Text;

namespace CodeChat.Grains.Abstractions.Instances;

/// <summary>
/// CodeChat's QR object <c>{count, code?, base64?, pairingCode?}</c>: <see cref="Count"/> is 0 until the
/// first QR of a connection arrived; <see cref="Base64"/> is a <c>data:image/png;base64,…</c> URL of
/// <see cref="Code"/>; <see cref="PairingCode"/> is set when linking by phone number. Printing it shows
/// only which codes it holds: it travels in grain calls, and a log line about a call may print it.
/// </summary>
[GenerateSerializer]
[Alias("CodeChat.InstanceQrCode")]
[Immutable]
public sealed record InstanceQrCode(
    [property: Id(0)] int Count,
    [property: Id(1)] string? Code,
    [property: Id(2)] string? Base64,
    [property: Id(3)] string? PairingCode)
{
    public static InstanceQrCode None { get; } = new(0, null, null, null);

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append(CultureInfo.InvariantCulture,
            $"Count = {Count}, HasCode = {Code is not null}, HasPairingCode = {PairingCode is not null}");
        return true;
    }
}
