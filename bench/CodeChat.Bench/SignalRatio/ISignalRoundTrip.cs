namespace CodeChat.Bench.SignalRatio;

/// <summary>One encrypt by a sender and the matching decrypt by its receiver, with stores in between.</summary>
internal interface ISignalRoundTrip
{
    /// <summary>The scenario name, equal to signal-bench.mjs's <c>--mode</c>.</summary>
    string Mode { get; }

    /// <summary>Encrypts <paramref name="plaintext"/> and returns what the receiver decrypted.</summary>
    ValueTask<byte[]> RoundTripAsync(byte[] plaintext, CancellationToken cancellationToken);
}
