using CodeChat.Grains.Abstractions.Webhooks;

namespace CodeChat.Grains.Webhooks;

/// <summary>A <c>webhook_endpoints</c> row, secrets included: never leaves the silo.</summary>
public sealed record StoredWebhookEndpoint(
    WebhookEndpointView View,
    string Secret,
    string? PreviousSecret,
    DateTimeOffset? PreviousSecretExpiresAt)
{
    /// <summary>Delivering: the operator's flag is on and no receiver answered 410 since.</summary>
    public bool IsActive => View.Enabled && View.DisabledReason is null;

    public IReadOnlyList<string> SigningSecrets(DateTimeOffset now) =>
        PreviousSecret is not null && PreviousSecretExpiresAt > now ? [Secret, PreviousSecret] : [Secret];
}
