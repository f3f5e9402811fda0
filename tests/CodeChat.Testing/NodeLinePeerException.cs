namespace CodeChat.Testing;

/// <summary>The script refused a request; <see cref="Error"/> is the script's own error text.</summary>
public sealed class NodeLinePeerException(string script, string command, string error, string stderrTail)
    : Exception($"{script}: {command} failed: {error}")
{
    public string Error { get; } = error;

    public string StandardErrorTail { get; } = stderrTail;
}
