namespace CodeChat.WhatsApp.Media;

/// <summary>
/// Temporary files for media bodies: readable and writable only by this process's user (0600) and
/// deleted when closed, so a half-done transfer or preparation leaves nothing behind.
/// </summary>
public static class TemporaryMediaFile
{
    /// <summary>A new, empty temporary file, open for reading and writing, deleted when the stream closes.</summary>
    public static FileStream Create()
    {
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.ReadWrite,
            // Readers by path (ffmpeg, SkiaSharp) may open it; no one else can, it is 0600.
            Share = FileShare.Read,
            Options = FileOptions.DeleteOnClose | FileOptions.Asynchronous,
        };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        return new FileStream(NewPath(), options);
    }

    /// <summary>
    /// Creates an empty 0600 file and returns its path, for a tool that writes by path (ffmpeg); the
    /// caller deletes it.
    /// </summary>
    public static string CreatePath(string extension)
    {
        var path = NewPath(extension);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (new FileStream(path, options))
        {
        }
        return path;
    }

    private static string NewPath(string extension = ".tmp") =>
        Path.Combine(Path.GetTempPath(), $"codechat-media-{Guid.NewGuid():N}{extension}");
}
