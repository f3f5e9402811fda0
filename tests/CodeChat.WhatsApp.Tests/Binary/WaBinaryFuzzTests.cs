using CodeChat.WaBinary.Fuzz;

namespace CodeChat.WhatsApp.Tests.Binary;

/// <summary>
/// A bounded run of the tests/WaBinary.Fuzz engine, seeded from the binary.* vectors (vectors.json,
/// whatsapp-protocol.md §12.3): hostile input may only produce WaBinaryException, and anything that
/// decodes must round-trip. Fixed seeds keep failures reproducible with <c>dotnet run --project
/// tests/WaBinary.Fuzz -- &lt;inputs&gt; &lt;seed&gt;</c>.
/// </summary>
public class WaBinaryFuzzTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(20240607)]
    public void Bounded_fuzz_run_finds_nothing(int seed)
    {
        var seeds = BinaryVectors.DecodedBinaryKeys().Select(BinaryVectors.Hex)
            .Append(BinaryVectors.Hex("binary.keepalive_compressed_frame_example"));
        var fuzzer = new WaBinaryFuzzer(seeds, seed);

        var summary = fuzzer.Run(12_000, TestContext.Current.CancellationToken);

        Assert.True(summary.Passed, summary + "\n" + string.Join("\n", summary.Failures.Select(f => $"{f.Kind}: {f.InputHex}\n{f.Detail}")));
        // Sanity: the run exercised both outcomes, so the invariants were actually checked.
        Assert.True(summary.Decoded > 1000, summary.ToString());
        Assert.True(summary.Rejected > 1000, summary.ToString());
        Assert.True(summary.GeneratedRoundTrips > 300, summary.ToString());
    }
}
