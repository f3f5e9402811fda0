namespace CodeChat.WhatsApp.Tests;

public class SmokeTests
{
    [Fact]
    public void Library_loads() => Assert.NotNull(typeof(SmokeTests).Assembly);
}
