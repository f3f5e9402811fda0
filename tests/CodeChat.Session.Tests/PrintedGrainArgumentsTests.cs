using CodeChat.Grains.Abstractions.Events;
using CodeChat.Grains.Abstractions.Instances;

namespace CodeChat.Session.Tests;

/// <summary>What grain-call arguments and results holding secrets show when something (an Orleans log line about the call) prints them.</summary>
public sealed class PrintedGrainArgumentsTests
{
    [Fact]
    public void Printing_a_record_names_the_event_and_leaves_its_data_out()
    {
        var record = new InstanceEventRecord(Guid.Parse("6f1c2a9e-0d7b-4c55-9a51-3f0e8b2d7c11"), "sales", 42, 7, "5511999990001@s.whatsapp.net",
            "qrcode.updated", """{"qrcode":{"code":"2@secret-ref,noise,identity,adv","base64":"data:image/png;base64,SECRETPNG"}}""",
            new DateTimeOffset(2026, 12, 5, 1, 2, 3, TimeSpan.Zero));

        var printed = record.ToString();

        Assert.Equal(
            "InstanceEventRecord { Id = 6f1c2a9e-0d7b-4c55-9a51-3f0e8b2d7c11, InstanceName = sales, Sequence = 42, InstanceId = 7, Event = qrcode.updated, CreatedAt = 2026-12-05T01:02:03.0000000+00:00 }",
            printed);
        Assert.DoesNotContain("secret", printed, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Printing_a_qr_code_shows_which_codes_it_holds_and_not_the_codes()
    {
        var printed = new InstanceQrCode(2, "2@secret-ref,noise,identity,adv", "data:image/png;base64,SECRETPNG", "SECRPAIR").ToString();

        Assert.Equal("InstanceQrCode { Count = 2, HasCode = True, HasPairingCode = True }", printed);
        Assert.DoesNotContain("SECR", printed, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Printing_a_passkey_stage_leaves_the_confirmation_code_out()
    {
        var printed = new InstancePasskeyView(InstancePasskeyView.AwaitingConfirmation, null, "SECR-CODE", false,
            new DateTimeOffset(2026, 12, 5, 1, 2, 3, TimeSpan.Zero)).ToString();

        Assert.Equal(
            "InstancePasskeyView { Stage = awaiting_confirmation, HasCode = True, SkipHandoff = False, ExpiresAt = 2026-12-05T01:02:03.0000000+00:00 }",
            printed);
        Assert.DoesNotContain("SECR", printed, StringComparison.OrdinalIgnoreCase);
    }
}
