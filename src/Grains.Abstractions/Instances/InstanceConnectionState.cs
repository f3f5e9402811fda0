namespace CodeChat.Grains.Abstractions.Instances;

/// <summary>CodeChat's runtime connection states (codechat-api.md §8).</summary>
public static class InstanceConnectionState
{
    public const string Close = "close";
    public const string Connecting = "connecting";
    public const string Open = "open";
    public const string Refused = "refused";
}
