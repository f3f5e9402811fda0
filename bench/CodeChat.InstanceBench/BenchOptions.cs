using System.Globalization;

namespace CodeChat.InstanceBench;

/// <summary>Command line: see bench/README.md ("Idle instances and reconnects next to Baileys").</summary>
internal sealed record BenchOptions
{
    public int Instances { get; init; } = 100;

    /// <summary>Skip the Baileys side (for 5,000 and 10,000 instances).</summary>
    public bool OursOnly { get; init; }

    public int ClientsPerProcess { get; init; } = 100;

    /// <summary>Linkings in flight at once, the same on both sides.</summary>
    public int LinkConcurrency { get; init; } = 20;

    public TimeSpan Settle { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan IdleWindow { get; init; } = TimeSpan.FromSeconds(60);

    public int? ResumeParallelism { get; init; }

    public string? ConnectionString { get; init; }

    /// <summary>Extra gateway configuration (<c>--set Key=Value</c>), e.g. to compare a setting's effect.</summary>
    public IReadOnlyDictionary<string, string> GatewaySettings { get; init; } = new Dictionary<string, string>();

    public string OutputDirectory { get; init; } = "instance-bench-results";

    /// <summary>Take a gcdump of the gateway (needs the dotnet-gcdump tool).</summary>
    public bool GcDump { get; init; } = true;

    public const string Usage = """
        usage: CodeChat.InstanceBench [-n N] [--ours-only] [--clients-per-process K] [--link-concurrency C]
                                      [--settle S] [--idle-window W] [--resume-parallelism P]
                                      [--connection-string CS] [--set Key=Value]... [--no-gcdump] [--out DIR]
          -n, --instances N        instances on each side (default 100; above 1,000 only with --ours-only)
          --ours-only              skip the Baileys side
          --clients-per-process K  Baileys clients per Node process (default 100)
          --link-concurrency C     linkings in flight on each side (default 20)
          --settle S               seconds to settle before each measurement (default 30)
          --idle-window W          seconds of the idle window (default 60)
          --resume-parallelism P   the gateway's Instances:ResumeParallelism
          --connection-string CS   an empty PostgreSQL database instead of the embedded server
          --set Key=Value          any other gateway setting
          --no-gcdump              skip dotnet-gcdump (live-heap rows of ours say n/a)
          --out DIR                where the JSON and markdown go (default ./instance-bench-results)
        See bench/README.md for what each figure means.
        """;

    /// <summary>True when the command line asks for the usage text rather than a run.</summary>
    public static bool WantsHelp(string[] args) => args.Any(a => a is "--help" or "-h" or "-?");

    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions();
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            options = args[i] switch
            {
                "--instances" or "-n" => options with { Instances = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--ours-only" => options with { OursOnly = true },
                "--clients-per-process" => options with { ClientsPerProcess = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--link-concurrency" => options with { LinkConcurrency = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--settle" => options with { Settle = TimeSpan.FromSeconds(double.Parse(Next(), CultureInfo.InvariantCulture)) },
                "--idle-window" => options with { IdleWindow = TimeSpan.FromSeconds(double.Parse(Next(), CultureInfo.InvariantCulture)) },
                "--resume-parallelism" => options with { ResumeParallelism = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--connection-string" => options with { ConnectionString = Next() },
                "--out" => options with { OutputDirectory = Next() },
                "--no-gcdump" => options with { GcDump = false },
                "--set" => AddSetting(options, settings, Next()),
                _ => throw new ArgumentException($"unknown option {args[i]}"),
            };
        }

        if (options.Instances < 1 || options.ClientsPerProcess < 1 || options.LinkConcurrency < 1)
            throw new ArgumentException("--instances, --clients-per-process and --link-concurrency must be at least 1");
        if (options.Instances > 1000 && !options.OursOnly)
            throw new ArgumentException("above 1,000 instances run ours alone (--ours-only): that many Baileys processes do not fit this machine class");
        return options;
    }

    private static BenchOptions AddSetting(BenchOptions options, Dictionary<string, string> settings, string pair)
    {
        var equals = pair.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0)
            throw new ArgumentException($"--set wants Key=Value, not {pair}");
        settings[pair[..equals]] = pair[(equals + 1)..];
        return options with { GatewaySettings = settings };
    }
}
