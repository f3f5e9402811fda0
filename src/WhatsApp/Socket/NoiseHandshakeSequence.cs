namespace CodeChat.WhatsApp.Socket;

/// <summary>
/// The four steps of the XX handshake in their only valid order, shared by both sides: calling
/// a step out of order would mix hashes in the wrong order and silently produce wrong keys, so it
/// is refused instead.
/// </summary>
internal sealed class NoiseHandshakeSequence
{
    private NoiseHandshakeStep _current;

    public void Advance(NoiseHandshakeStep expected)
    {
        if (_current != expected)
        {
            throw new InvalidOperationException($"Handshake step {expected} called while at {_current}.");
        }
        _current = expected + 1;
    }
}

internal enum NoiseHandshakeStep
{
    ClientHello,
    ServerHello,
    ClientFinish,
    Finish,
    Done,
}
