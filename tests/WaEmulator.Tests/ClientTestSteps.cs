using CodeChat.WhatsApp.Client;

namespace CodeChat.WaEmulator.Tests;

/// <summary>Small steps the WaClient-against-Baileys tests share.</summary>
internal static class ClientTestSteps
{
    /// <summary>proto.WebMessageInfo.StubType.CIPHERTEXT in Baileys' WAProto: a message Baileys could not decrypt.</summary>
    public const int CiphertextStub = 2;

    public static string? TextOf(IncomingMessage message) =>
        message.Message.Conversation is { Length: > 0 } text ? text : message.Message.ExtendedTextMessage?.Text;

    public static Task WaitUntilAsync(Func<bool> condition, CancellationToken cancellationToken) =>
        WaitUntilAsync(() => Task.FromResult(condition()), cancellationToken);

    /// <summary>Polls <paramref name="condition"/> for up to 60 s (sized for a loaded 2-core machine).</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached within 60 s");
            await Task.Delay(20, cancellationToken);
        }
    }
}
