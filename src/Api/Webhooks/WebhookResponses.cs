using System.Text.Json.Serialization;
using CodeChat.Grains.Abstractions.Webhooks;

namespace CodeChat.Api.Webhooks;

/// <summary>
/// CodeChat 1.3's webhook row <c>{id, url, enabled, events, createdAt, updatedAt, instanceId}</c>;
/// <c>events</c> is null when every event is selected, else every flag with its value. Never the secret.
/// </summary>
public record WebhookResponse(
    long Id, string Url, bool Enabled, IReadOnlyDictionary<string, bool>? Events,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, long InstanceId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? DisabledReason,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? PreviousSecretValidUntil)
{
    public static WebhookResponse From(WebhookEndpointView view) => new(
        view.Id, view.Url, view.Enabled, view.Events.Effective(), view.CreatedAt, view.UpdatedAt, view.InstanceId,
        view.DisabledReason, view.PreviousSecretValidUntil);
}

/// <summary>The answer to <c>webhook/set</c>: the row, plus the signing secret when this call issued one (shown only then).</summary>
public sealed record WebhookSetResponse(
    long Id, string Url, bool Enabled, IReadOnlyDictionary<string, bool>? Events,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, long InstanceId, string? DisabledReason, DateTimeOffset? PreviousSecretValidUntil,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Secret)
    : WebhookResponse(Id, Url, Enabled, Events, CreatedAt, UpdatedAt, InstanceId, DisabledReason, PreviousSecretValidUntil)
{
    public static WebhookSetResponse From(WebhookEndpointView view, string? secret)
    {
        var row = WebhookResponse.From(view);
        return new(row.Id, row.Url, row.Enabled, row.Events, row.CreatedAt, row.UpdatedAt, row.InstanceId,
            row.DisabledReason, row.PreviousSecretValidUntil, secret);
    }
}

/// <summary>What <c>webhook/replay</c> queued: the sequences, in the order they will be delivered.</summary>
public sealed record WebhookReplayResponse(string Endpoint, int Queued, IReadOnlyList<long> Sequences);
