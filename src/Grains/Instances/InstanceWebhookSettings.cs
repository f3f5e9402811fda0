namespace CodeChat.Grains.Instances;

/// <summary>An instance's webhook endpoint as configured through PUT /webhook/set.</summary>
[GenerateSerializer]
[Alias("CodeChat.InstanceWebhookSettings")]
public sealed class InstanceWebhookSettings
{
    [Id(0)] public string Url { get; set; } = "";
    [Id(1)] public bool Enabled { get; set; }
    /// <summary>Event flags by v3 camelCase name; empty means every event.</summary>
    [Id(2)] public Dictionary<string, bool> Events { get; set; } = [];
}
