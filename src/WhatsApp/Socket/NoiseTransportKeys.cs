namespace CodeChat.WhatsApp.Socket;

/// <summary>
/// The two transport keys produced by the handshake's Split, named from the initiator's (client's)
/// point of view: the client writes with <see cref="InitiatorToResponder"/> and reads with
/// <see cref="ResponderToInitiator"/>; the server the other way round.
/// </summary>
public sealed record NoiseTransportKeys(byte[] InitiatorToResponder, byte[] ResponderToInitiator)
{
    /// <summary>Never prints the keys.</summary>
    public override string ToString() => nameof(NoiseTransportKeys);
}
