namespace CodeChat.Bench.SignalRatio;

/// <summary>Round trips per second of process CPU time (user + system, all threads).</summary>
/// <remarks>
/// <see cref="Environment.CpuUsage"/> reads getrusage(RUSAGE_SELF) on Linux, the same counter as
/// Node's <c>process.cpuUsage()</c> on the Baileys side, so both are measured alike: GC, JIT and
/// other runtime threads count against their own side.
/// </remarks>
internal static class CpuBudgetMeter
{
    // Reading the clock is a getrusage system call summing every thread; doing it after each
    // message would add a few µs to a round trip of ~25 µs. Both sides read it every 16 messages
    // (tests/interop/signal-bench.mjs uses the same stride).
    private const int ClockStride = 16;

    public static async Task<ThroughputResult> MeasureAsync(ISignalRoundTrip roundTrip, int plaintextBytes, int warmupMessages, double cpuBudgetSeconds, CancellationToken cancellationToken)
    {
        var plaintext = System.Security.Cryptography.RandomNumberGenerator.GetBytes(plaintextBytes);
        for (var i = 0; i < warmupMessages; i++)
        {
            await CheckAsync(roundTrip, plaintext, cancellationToken);
        }

        var before = Environment.CpuUsage.TotalTime;
        var messages = 0;
        double cpuSeconds = 0;
        while (cpuSeconds < cpuBudgetSeconds)
        {
            for (var i = 0; i < ClockStride; i++)
            {
                await CheckAsync(roundTrip, plaintext, cancellationToken);
            }
            messages += ClockStride;
            cpuSeconds = (Environment.CpuUsage.TotalTime - before).TotalSeconds;
        }
        return new ThroughputResult(roundTrip.Mode, messages, cpuSeconds);
    }

    private static async Task CheckAsync(ISignalRoundTrip roundTrip, byte[] plaintext, CancellationToken cancellationToken)
    {
        var decrypted = await roundTrip.RoundTripAsync(plaintext, cancellationToken);
        if (!decrypted.AsSpan().SequenceEqual(plaintext))
        {
            throw new InvalidOperationException($"{roundTrip.Mode}: the round trip changed the plaintext.");
        }
    }
}

/// <summary>Messages (one encrypt plus one decrypt each) per CPU second.</summary>
internal sealed record ThroughputResult(string Mode, int Messages, double CpuSeconds)
{
    public double MessagesPerCpuSecond => Messages / CpuSeconds;
}
