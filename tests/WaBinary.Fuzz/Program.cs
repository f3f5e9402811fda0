using System.Globalization;
using System.Text.Json;
using CodeChat.WaBinary.Fuzz;

// Usage: dotnet run --project tests/WaBinary.Fuzz -- [inputs=1000000] [seed=random]
var inputs = args.Length > 0 ? long.Parse(args[0], CultureInfo.InvariantCulture) : 1_000_000;
var seed = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : Random.Shared.Next();

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};

var fuzzer = new WaBinaryFuzzer(LoadSeedFrames(), seed);
Console.WriteLine($"WABinary fuzz: {inputs} inputs, seed {seed}");
var summary = fuzzer.Run(inputs, cancellation.Token);
Console.WriteLine(summary);
foreach (var failure in summary.Failures)
{
    Console.WriteLine($"--- {failure.Kind}\ninput: {failure.InputHex}\n{failure.Detail}");
}
return summary.Passed ? 0 : 1;

static IEnumerable<byte[]> LoadSeedFrames()
{
    var path = Path.Combine(AppContext.BaseDirectory, "Vectors", "vectors.json");
    using var document = JsonDocument.Parse(File.ReadAllText(path));
    var frames = new List<byte[]>();
    foreach (var property in document.RootElement.EnumerateObject())
    {
        if (property.Name.StartsWith("binary.", StringComparison.Ordinal)
            && !property.Name.EndsWith(".decoded", StringComparison.Ordinal)
            && property.Value.ValueKind == JsonValueKind.String)
        {
            frames.Add(Convert.FromHexString(property.Value.GetString()!));
        }
    }
    return frames;
}
