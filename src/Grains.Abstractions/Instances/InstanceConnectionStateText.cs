using System.Diagnostics.CodeAnalysis;

namespace CodeChat.Grains.Abstractions.Instances;

/// <summary>The one mapping between <see cref="InstanceConnectionState"/> and CodeChat's words.</summary>
public static class InstanceConnectionStateText
{
    public static string ToText(this InstanceConnectionState state) => state switch
    {
        InstanceConnectionState.Close => "close",
        InstanceConnectionState.Connecting => "connecting",
        InstanceConnectionState.Open => "open",
        InstanceConnectionState.Refused => "refused",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "Not a connection state."),
    };

    /// <summary>Reads CodeChat's word (exact, lower case) back; false for anything else.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out InstanceConnectionState state)
    {
        switch (text)
        {
            case "close": state = InstanceConnectionState.Close; return true;
            case "connecting": state = InstanceConnectionState.Connecting; return true;
            case "open": state = InstanceConnectionState.Open; return true;
            case "refused": state = InstanceConnectionState.Refused; return true;
            default: state = default; return false;
        }
    }
}
