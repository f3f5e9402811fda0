using System.Text.Json;
using CodeChat.Api.Errors;
using CodeChat.Api.Instances;
using CodeChat.Grains.Abstractions.Webhooks;

namespace CodeChat.Api.Webhooks;

/// <summary>Validates the bodies of the webhook routes into CodeChat's <c>{property, message}</c> failures.</summary>
public static class WebhookRequestReader
{
    /// <summary>
    /// <c>{url, enabled, events?, rotateSecret?}</c>. <c>events</c> takes the v3 flags and the 1.3
    /// aliases; unknown flags are refused, naming them.
    /// </summary>
    public static (WebhookSetCommand? Command, IReadOnlyList<ValidationFailure> Failures) ReadSet(JsonElement body, long instanceId)
    {
        var failures = new List<ValidationFailure>();
        string? url = null;
        if (!body.TryGetProperty("url", out var urlElement) || urlElement.ValueKind == JsonValueKind.Null)
            failures.Add(new ValidationFailure("instance", "instance requires property \"url\""));
        else if (urlElement.ValueKind != JsonValueKind.String)
            failures.Add(new ValidationFailure("url", "url is not of a type(s) string"));
        else if ((url = urlElement.GetString()!.Trim()).Length == 0)
            failures.Add(new ValidationFailure("url", "url does not meet minimum length of 1"));

        var enabled = false;
        if (!body.TryGetProperty("enabled", out var enabledElement) || enabledElement.ValueKind == JsonValueKind.Null)
            failures.Add(new ValidationFailure("instance", "instance requires property \"enabled\""));
        else if (enabledElement.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            failures.Add(JsonRequestBody.NotABoolean("enabled"));
        else
            enabled = enabledElement.GetBoolean();

        var rotate = false;
        if (body.TryGetProperty("rotateSecret", out var rotateElement) && rotateElement.ValueKind != JsonValueKind.Null)
        {
            if (rotateElement.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                failures.Add(JsonRequestBody.NotABoolean("rotateSecret"));
            else
                rotate = rotateElement.GetBoolean();
        }

        Dictionary<string, bool>? events = null;
        var resetEvents = false;
        if (body.TryGetProperty("events", out var eventsElement))
        {
            if (eventsElement.ValueKind == JsonValueKind.Null)
                resetEvents = true;
            else if (eventsElement.ValueKind != JsonValueKind.Object)
                failures.Add(new ValidationFailure("events", "events is not of a type(s) object"));
            else
                events = ReadFlags(eventsElement, failures);
        }

        if (failures.Count > 0)
            return (null, failures);
        return (new WebhookSetCommand
        {
            InstanceId = instanceId,
            Url = url!,
            Enabled = enabled,
            Events = events,
            ResetEvents = resetEvents,
            RotateSecret = rotate,
        }, failures);
    }

    private static Dictionary<string, bool>? ReadFlags(JsonElement eventsElement, List<ValidationFailure> failures)
    {
        var requested = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var property in eventsElement.EnumerateObject())
        {
            if (property.Value.ValueKind is JsonValueKind.True or JsonValueKind.False)
                requested[property.Name] = property.Value.GetBoolean();
            else
                failures.Add(JsonRequestBody.NotABoolean($"events.{property.Name}"));
        }

        var canonical = WebhookEventFlags.Canonicalize(requested, out var unknown);
        if (unknown.Count > 0)
        {
            failures.Add(new ValidationFailure("events",
                $"events has unknown event flags: {string.Join(", ", unknown)} (known: {string.Join(", ", WebhookEventFlags.All)} and the CodeChat 1.3 names)"));
        }

        return canonical;
    }

    /// <summary><c>{id}</c>, or <c>{fromSequence, toSequence?}</c>; <c>endpoint</c> "instance" (default) or "global".</summary>
    public static (WebhookReplayRequest? Request, IReadOnlyList<ValidationFailure> Failures) ReadReplay(JsonElement body)
    {
        var failures = new List<ValidationFailure>();
        var endpoint = WebhookEndpoints.Instance;
        if (body.TryGetProperty("endpoint", out var endpointElement) && endpointElement.ValueKind != JsonValueKind.Null)
        {
            if (endpointElement.ValueKind != JsonValueKind.String || !WebhookEndpoints.IsKnown(endpointElement.GetString()))
                failures.Add(new ValidationFailure("endpoint", "endpoint must be \"instance\" or \"global\""));
            else
                endpoint = endpointElement.GetString()!;
        }

        Guid? id = null;
        if (body.TryGetProperty("id", out var idElement) && idElement.ValueKind != JsonValueKind.Null)
        {
            if (idElement.ValueKind != JsonValueKind.String || !Guid.TryParse(idElement.GetString(), out var parsed))
                failures.Add(new ValidationFailure("id", "id must be an event id (a UUID)"));
            else
                id = parsed;
        }

        var from = ReadSequence(body, "fromSequence", failures);
        var to = ReadSequence(body, "toSequence", failures);
        if (id is null && from is null && failures.Count == 0)
            failures.Add(new ValidationFailure("instance", "instance requires property \"id\" or \"fromSequence\""));
        if (id is not null && (from is not null || to is not null))
            failures.Add(new ValidationFailure("id", "give either id or a sequence range, not both"));
        if (from is not null && to is not null && to < from)
            failures.Add(new ValidationFailure("toSequence", "toSequence must not be below fromSequence"));
        return failures.Count > 0 ? (null, failures) : (new WebhookReplayRequest(endpoint, id, from, to), failures);
    }

    private static long? ReadSequence(JsonElement body, string property, List<ValidationFailure> failures)
    {
        if (!body.TryGetProperty(property, out var element) || element.ValueKind == JsonValueKind.Null)
            return null;
        if (element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out var value) && value >= 1)
            return value;
        failures.Add(new ValidationFailure(property, $"{property} must be an integer of at least 1"));
        return null;
    }
}
