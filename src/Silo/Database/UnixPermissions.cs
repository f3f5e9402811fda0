namespace CodeChat.Silo.Database;

/// <summary>File modes on Unix; no-ops on Windows, where the embedded server's user handling does not apply.</summary>
internal static class UnixPermissions
{
    public const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public const UnixFileMode TraversableByAll =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    public static void Set(string path, UnixFileMode mode)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, mode);
        }
    }

    public static void AddOthersTraverse(string directory)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(directory, File.GetUnixFileMode(directory) | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        }
    }

    public static bool OthersCanTraverse(string directory) =>
        OperatingSystem.IsWindows() || File.GetUnixFileMode(directory).HasFlag(UnixFileMode.OtherExecute);

    /// <summary>Writes a new file that only its owner can read, with no window in which it is readable by others.</summary>
    public static void WriteOwnerOnly(string path, string content)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }

        using (var stream = new FileStream(path, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(content);
        }

        // UnixCreateMode does not apply when the file already existed.
        Set(path, OwnerOnly);
    }
}
