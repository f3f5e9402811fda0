namespace CodeChat.WhatsApp.Socket;

/// <summary>
/// The four steps of the XX handshake in their only valid order, shared by both sides: calling
/// a step out of order would mix hashes in the wrong order and silently produce wrong keys, so it
/// is refused instead.
/// </summary>
/// <remarks>
/// Public, not internal, because WhatsApp's side of the handshake (the responder) lives with the
/// test emulator in tests/CodeChat.WhatsApp.ServerSide and runs this same primitive; a shared
/// primitive is safer than a second copy, and a test assembly gets no view into the library's internals.
/// </remarks>
public sealed class NoiseHandshakeSequence
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

/// <summary>The steps of the XX handshake, in order.</summary>
public enum NoiseHandshakeStep
{
    ClientHello,
    ServerHello,
    ClientFinish,
    Finish,
    Done,
}
