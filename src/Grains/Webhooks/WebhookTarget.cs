using CodeChat.Grains.Abstractions.Webhooks;

namespace CodeChat.Grains.Webhooks;

/// <summary>
/// Where one line delivers to and with which secrets it signs. <see cref="SetAt"/> is when the
/// instance's endpoint row was last written (none for the global webhook): a 410 switches the endpoint
/// off only if nobody set it again since the attempt began.
/// </summary>
public sealed record WebhookTarget(
    string Endpoint,
    string Url,
    WebhookEventSelection Selection,
    IReadOnlyList<string> Secrets,
    long? InstanceId,
    DateTimeOffset? SetAt = null)
{
    /// <summary>
    /// Whether the line delivers <paramref name="eventName"/> raised by incarnation
    /// <paramref name="eventInstanceId"/>: an instance's own webhook never receives the events of an
    /// earlier instance of the same name.
    /// </summary>
    public bool Wants(string eventName, long eventInstanceId) =>
        (InstanceId is null || InstanceId == eventInstanceId) && Selection.Allows(eventName);
}
