namespace CodeChat.Testing;

/// <summary>Locates the repository and the Node interop folder from the test binaries.</summary>
public static class BaileysInteropPaths
{
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CodeChat.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"CodeChat.sln not found above {AppContext.BaseDirectory}");
    }

    public static string InteropDirectory() => Path.Combine(RepositoryRoot(), "tests", "interop");

    /// <summary>The node executable: $NODE if set, otherwise "node" from PATH.</summary>
    public static string NodeExecutable() => Environment.GetEnvironmentVariable("NODE") is { Length: > 0 } node ? node : "node";
}
