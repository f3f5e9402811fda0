using System.Text.Json.Serialization;

namespace CodeChat.Grains.Abstractions.Instances;

/// <summary>
/// CodeChat's runtime connection states (codechat-api.md §8). Written as CodeChat's lower-case words
/// wherever it is JSON (stored grain state, answers, events): see <see cref="InstanceConnectionStateText"/>.
/// </summary>
[GenerateSerializer]
[Alias("CodeChat.InstanceConnectionState")]
[JsonConverter(typeof(InstanceConnectionStateJsonConverter))]
public enum InstanceConnectionState
{
    Close = 0,
    Connecting = 1,
    Open = 2,
    Refused = 3,
}
