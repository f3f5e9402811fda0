namespace CodeChat.InstanceBench;

internal static class Repository
{
    /// <summary>The clone this bench was built from: the first folder above the output that holds CodeChat.sln.</summary>
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "CodeChat.sln")))
                return directory.FullName;
        }

        throw new InvalidOperationException("CodeChat.sln not found above " + AppContext.BaseDirectory);
    }
}
