namespace CodeChat.Grains.Webhooks;

/// <summary>What one POST came back with: a status code, or the error that prevented one.</summary>
public sealed record WebhookDeliveryResponse(int? StatusCode, string? Error, TimeSpan? RetryAfter, TimeSpan Latency)
{
    public bool IsSuccess => StatusCode is >= 200 and < 300;
}
