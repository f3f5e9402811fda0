namespace CodeChat.Grains.Abstractions.Webhooks;

/// <summary>The delivery lines of an instance: its own endpoint, and the global one from configuration.</summary>
public static class WebhookEndpoints
{
    public const string Instance = "instance";
    public const string Global = "global";

    public static bool IsKnown(string? endpoint) => endpoint is Instance or Global;
}
