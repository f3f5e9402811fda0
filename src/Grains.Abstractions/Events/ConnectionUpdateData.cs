using System.Text.Json.Serialization;

namespace CodeChat.Grains.Abstractions.Events;

/// <summary><c>connection.update</c> data (codechat-api.md §7.2): <c>{instance, state, statusReason}</c>.</summary>
public sealed record ConnectionUpdateData(
    [property: JsonPropertyName("instance")] string Instance,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("statusReason")] int StatusReason);
