namespace CodeChat.Api.Authentication;

/// <summary>Writes the generated key to standard output, bypassing the loggers.</summary>
public sealed class ConsoleGeneratedApiKeyAnnouncer : IGeneratedApiKeyAnnouncer
{
    public void Announce(string globalApiKey)
    {
        Console.Out.WriteLine("=================================================================");
        Console.Out.WriteLine("No global API key was configured, so one was generated:");
        Console.Out.WriteLine($"  apikey: {globalApiKey}");
        Console.Out.WriteLine("It is shown only this once; only its SHA-256 is stored. Set");
        Console.Out.WriteLine("Authentication__GlobalApiKey to use a key of your own instead.");
        Console.Out.WriteLine("=================================================================");
        Console.Out.Flush();
    }
}
