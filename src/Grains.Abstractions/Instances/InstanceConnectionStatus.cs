namespace CodeChat.Grains.Abstractions.Instances;

/// <summary>CodeChat's stored connection column values.</summary>
public static class InstanceConnectionStatus
{
    public const string Online = "ONLINE";
    public const string Offline = "OFFLINE";
}
