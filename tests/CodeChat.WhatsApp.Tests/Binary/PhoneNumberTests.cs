using CodeChat.WhatsApp.Binary;

namespace CodeChat.WhatsApp.Tests.Binary;

/// <summary>The one phone-number rule the API, the grains and WaClient share.</summary>
public sealed class PhoneNumberTests
{
    [Theory]
    [InlineData("5511999990001", "5511999990001")]
    [InlineData("+5511999990001", "5511999990001")]
    [InlineData("  +55 11 99999-0001  ", "5511999990001")]
    [InlineData("+1 (555) 123-4567", "15551234567")]
    [InlineData("+49.30.1234567", "49301234567")]
    [InlineData("12345678", "12345678")]                  // 8 digits: the shortest accepted
    [InlineData("123456789012345", "123456789012345")]    // 15 digits: E.164's longest
    public void Separators_are_dropped_and_the_digits_kept(string input, string expected)
    {
        Assert.True(PhoneNumber.TryNormalize(input, out var digits));
        Assert.Equal(expected, digits);
        Assert.Equal(expected, PhoneNumber.Normalize(input));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("1234567")]              // 7 digits: too short for any number with its country code
    [InlineData("1234567890123456")]     // 16 digits: longer than E.164 allows
    [InlineData("011999990001")]         // national trunk prefix
    [InlineData("005511999990001")]      // international call prefix: not part of the number
    [InlineData("+0 5511999990001")]
    [InlineData("5511a99990001")]
    [InlineData("5511999990001@s.whatsapp.net")]
    [InlineData("55/11/999990001")]
    [InlineData("５５１１９９９９９０００１")]  // full-width digits are not ASCII digits
    public void Anything_else_is_refused(string? input)
    {
        Assert.False(PhoneNumber.TryNormalize(input, out var digits));
        Assert.Null(digits);
    }

    [Fact]
    public void Normalize_names_the_argument_and_says_what_is_expected()
    {
        var phoneNumber = "0123";
        var error = Assert.Throws<ArgumentException>(() => PhoneNumber.Normalize(phoneNumber));
        Assert.Equal("phoneNumber", error.ParamName);
        Assert.Contains("8 to 15 digits", error.Message);
        Assert.Contains("no leading 0", error.Message);
    }

    [Fact]
    public void Normalize_refuses_null()
    {
        Assert.Throws<ArgumentNullException>(() => PhoneNumber.Normalize(null!));
    }

    [Fact]
    public void A_normalized_number_is_the_user_part_of_a_valid_jid()
    {
        var jid = new Jid(PhoneNumber.Normalize("+1 555 123 4567"), JidServers.User);
        Assert.Equal("15551234567@s.whatsapp.net", jid.ToString());
    }
}
