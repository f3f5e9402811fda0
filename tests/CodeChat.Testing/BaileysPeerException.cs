namespace CodeChat.Testing;

/// <summary>A Baileys peer did not do what a test expected; carries the driver's stderr for diagnosis.</summary>
public sealed class BaileysPeerException(string message, string driverStderr)
    : Exception($"{message}\n--- driver stderr (tail) ---\n{driverStderr}")
{
    public string DriverStderr { get; } = driverStderr;
}
