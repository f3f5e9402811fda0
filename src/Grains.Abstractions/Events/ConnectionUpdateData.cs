using System.Text.Json.Serialization;

namespace CodeChat.Grains.Abstractions.Events;

/// <summary>
/// <c>connection.update</c> data (codechat-api.md §7.2): <c>{instance, state, statusReason}</c>. Our extension
/// <c>reason</c> (absent otherwise) explains a stop the operator has to act on, e.g. a refused client version.
/// </summary>
public sealed record ConnectionUpdateData(
    [property: JsonPropertyName("instance")] string Instance,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("statusReason")] int StatusReason,
    [property: JsonPropertyName("reason"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason = null);
