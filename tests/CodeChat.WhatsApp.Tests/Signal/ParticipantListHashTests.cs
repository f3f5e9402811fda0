using System.Text.Json;
using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Signal;
using static CodeChat.WhatsApp.Tests.Crypto.KnownAnswers;

namespace CodeChat.WhatsApp.Tests.Signal;

/// <summary>
/// <c>phash</c> (whatsapp-protocol.md §6.9; vectors.json misc.phash_whatsmeow*, §12.7, derived
/// with whatsmeow's participantListHashV2 algorithm).
/// </summary>
public class ParticipantListHashTests
{
    private static readonly Jid[] Devices =
    [
        Jid.Parse("15551234567@s.whatsapp.net"),
        Jid.Parse("15551234567:2@s.whatsapp.net"),
        Jid.Parse("123456789012345@lid"),
    ];

    [Fact]
    public void Device_jids_render_as_the_vector_AD_strings()
    {
        var expected = JsonSerializer.Deserialize<string[]>(Text("misc.phash_whatsmeow_ADString_inputs"))!;

        Assert.Equal(expected, Devices.Select(ParticipantListHash.ToAdString));
    }

    [Fact]
    public void Hash_of_the_vector_devices_matches_whatsmeow()
    {
        Assert.Equal(Text("misc.phash_whatsmeow"), ParticipantListHash.Compute(Devices));
    }

    [Fact]
    public void Hash_does_not_depend_on_the_order_of_the_devices()
    {
        Assert.Equal(Text("misc.phash_whatsmeow"), ParticipantListHash.Compute(Devices.Reverse()));
        Assert.NotEqual(Text("misc.phash_whatsmeow"), ParticipantListHash.Compute(Devices[..2]));
    }
}
