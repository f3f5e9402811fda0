using CodeChat.WhatsApp.Binary;

namespace CodeChat.WhatsApp.Tests.Binary;

/// <summary>The number → JID rule of codechat-api.md §4.4, case by case.</summary>
public sealed class RecipientJidTests
{
    [Theory]
    [InlineData("5511987654321", "5511987654321@s.whatsapp.net")] // DDD 11 < 31: the ninth digit stays
    [InlineData("5531987654321", "553187654321@s.whatsapp.net")] // DDD 31, subscriber starts with 8: it goes
    [InlineData("5531967654321", "5531967654321@s.whatsapp.net")] // subscriber starts with 6: it stays
    [InlineData("553187654321", "553187654321@s.whatsapp.net")]
    [InlineData("+1 (555) 010-0001", "15550100001@s.whatsapp.net")]
    [InlineData("5511987654321@s.whatsapp.net", "5511987654321@s.whatsapp.net")]
    [InlineData("5511987654321@c.us", "5511987654321@s.whatsapp.net")]
    [InlineData("123456789012345@lid", "123456789012345@lid")]
    [InlineData("120363025246125486@g.us", "120363025246125486@g.us")]
    [InlineData("5511987654321-1612345678", "5511987654321-1612345678@g.us")]
    public void A_recipient_becomes_its_JID(string input, string expected)
    {
        Assert.True(RecipientJid.TryParse(input, out var jid));
        Assert.Equal(expected, jid.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("0511987654321")]
    [InlineData("@s.whatsapp.net")]
    [InlineData("5511987654321@example.com")]
    public void Anything_else_is_refused(string input) => Assert.False(RecipientJid.TryParse(input, out _));
}
