namespace CodeChat.Hosting.Tests;

/// <summary>One data folder for the embedded-database hosts of a test class: initdb runs once, the tests reuse it.</summary>
public sealed class EmbeddedHostFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("codechat-embedded-host-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A server the OS has not fully released yet; the temp folder is cleaned eventually.
        }
    }
}
