using System.Globalization;
using System.Text;
using System.Text.Json;

namespace CodeChat.InstanceBench;

/// <summary>The run's figures as JSON, as a markdown table (ours next to Baileys) and as one line of ratios.</summary>
internal sealed class Report(
    BenchOptions options, string loadBefore, string loadAfter, SideResult ours, SideResult? baileys,
    IReadOnlyDictionary<string, int> warningsDuringLinking, IReadOnlyDictionary<string, int> warningsAfterRestart,
    object fencing, object gatewayStop, object emulatorStop)
{
    private const double Megabyte = 1024 * 1024;
    private readonly DateTime _date = DateTime.UtcNow;

    public async Task<string> WriteAsync(string directory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        var stem = Path.Combine(directory, $"instance-bench-{options.Instances}-{_date:yyyyMMdd-HHmmss}");
        var json = JsonSerializer.Serialize(new
        {
            date = _date,
            instances = options.Instances,
            machine = new { cores = Environment.ProcessorCount, loadBefore, loadAfter },
            options = new
            {
                options.OursOnly, options.ClientsPerProcess, options.LinkConcurrency, settleSeconds = options.Settle.TotalSeconds,
                idleWindowSeconds = options.IdleWindow.TotalSeconds, options.ResumeParallelism, gatewaySettings = options.GatewaySettings,
                externalDatabase = options.ConnectionString is not null,
            },
            ours,
            baileys,
            derived = Derived(),
            fencing,
            gatewayStop,
            emulatorStop,
            warningsDuringLinking,
            warningsAfterRestart,
        }, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase });
        await File.WriteAllTextAsync(stem + ".json", json, cancellationToken);
        await File.WriteAllTextAsync(stem + ".md", Markdown() + "\n\n" + Ratios() + "\n", cancellationToken);
        return stem + ".{json,md}";
    }

    public string Markdown()
    {
        var n = options.Instances;
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"N = {n:N0}, {Environment.ProcessorCount} cores, load {loadBefore} → {loadAfter}, {_date:yyyy-MM-dd HH:mm} UTC");
        text.AppendLine();
        var theirs = baileys is null ? "Baileys (not run: --ours-only)" : $"Baileys ({baileys.Processes} Node process(es))";
        text.AppendLine(CultureInfo.InvariantCulture, $"| figure | ours (1 silo) | {theirs} |");
        text.AppendLine("| --- | --- | --- |");
        Row(text, "process base, no instance (RSS / live heap)", Base(ours, 1), baileys is null ? "–" : Base(baileys, baileys.Processes));
        Row(text, "marginal RSS per idle instance, linked process", Mb(MarginalRss(ours, ours.Linked)), Mb(baileys is null ? null : MarginalRss(baileys, baileys.Linked)));
        Row(text, "marginal RSS per idle instance, restarted process", Mb(MarginalRss(ours, ours.Resumed)), Mb(baileys is null ? null : MarginalRss(baileys, baileys.Resumed)));
        Row(text, "total RSS per instance incl. base, linked", Mb(ours.Linked!.RssBytes / Megabyte / n), Mb(baileys?.Linked is null ? null : baileys.Linked.RssBytes / Megabyte / n));
        Row(text, "live heap per instance after full GC, linked", Mb(MarginalHeap(ours, ours.Linked)), Mb(baileys is null ? null : MarginalHeap(baileys, baileys.Linked)));
        Row(text, "live heap per instance after full GC, restarted", Mb(MarginalHeap(ours, ours.Resumed)), Mb(baileys is null ? null : MarginalHeap(baileys, baileys.Resumed)));
        Row(text, "PostgreSQL server processes: base / linked / restarted", Postgres(), "– (files)");
        Row(text, "CPU per idle instance-minute (keepalives)", IdleCpu(ours) + PostgresIdle(), baileys is null ? "–" : IdleCpu(baileys));
        Row(text, "logins during the idle window (reconnects)", ours.Idle!.LoginsDuringWindow.ToString(CultureInfo.InvariantCulture) + (baileys is null ? "" : " (both sides)"), "");
        Row(text, "keepalive pings answered during the idle window", ours.Idle.KeepalivePingsDuringWindow.ToString("N0", CultureInfo.InvariantCulture) + (baileys is null ? "" : " (both sides)"), "");
        Row(text, "RSS at the idle window's start → end", RssDrift(ours.Idle), baileys?.Idle is null ? "–" : RssDrift(baileys.Idle));
        Row(text, "linking from scratch: rate / CPU per link", Connect(ours.Link), Connect(baileys?.Link));
        Row(text, "reconnect storm from process start: rate / CPU each", Connect(ours.Reconnect), Connect(baileys?.Reconnect));
        Row(text, "reconnect storm after /health/ready", Connect(ours.ReconnectAfterReady), "–");
        return text.ToString().TrimEnd();
    }

    public string Ratios()
    {
        if (baileys is null)
            return "ratios: ours alone (--ours-only)";
        return string.Create(CultureInfo.InvariantCulture,
            $"ratios (ours ÷ Baileys): marginal RSS {Ratio(MarginalRss(ours, ours.Linked), MarginalRss(baileys, baileys.Linked))}× linked, "
            + $"{Ratio(MarginalRss(ours, ours.Resumed), MarginalRss(baileys, baileys.Resumed))}× restarted (target ≤ 0.5); "
            + $"live heap {Ratio(MarginalHeap(ours, ours.Linked), MarginalHeap(baileys, baileys.Linked))}×; "
            + $"idle CPU {Ratio(ours.Idle!.CpuMsPerInstanceMinute(options.Instances), baileys.Idle!.CpuMsPerInstanceMinute(options.Instances))}×; "
            + $"linking rate {Ratio(ours.Link!.PerSecond, baileys.Link!.PerSecond)}× (target ≥ 5); "
            + $"reconnect rate {Ratio(ours.Reconnect!.PerSecond, baileys.Reconnect!.PerSecond)}× from process start, "
            + $"{Ratio(ours.ReconnectAfterReady!.PerSecond, baileys.Reconnect.PerSecond)}× ours after ready (target ≥ 10)");
    }

    private object Derived() => new
    {
        oursMarginalRssMbLinked = MarginalRss(ours, ours.Linked),
        oursMarginalRssMbResumed = MarginalRss(ours, ours.Resumed),
        oursMarginalHeapMbLinked = MarginalHeap(ours, ours.Linked),
        oursIdleCpuMsPerInstanceMinute = ours.Idle?.CpuMsPerInstanceMinute(options.Instances),
        baileysMarginalRssMbLinked = baileys is null ? null : MarginalRss(baileys, baileys.Linked),
        baileysMarginalRssMbResumed = baileys is null ? null : MarginalRss(baileys, baileys.Resumed),
        baileysMarginalHeapMbLinked = baileys is null ? null : MarginalHeap(baileys, baileys.Linked),
        baileysIdleCpuMsPerInstanceMinute = baileys?.Idle?.CpuMsPerInstanceMinute(options.Instances),
    };

    private double? MarginalRss(SideResult side, MemorySample? at) =>
        at is null ? null : (at.RssBytes - side.Base.RssBytes) / Megabyte / options.Instances;

    private double? MarginalHeap(SideResult side, MemorySample? at) =>
        at?.HeapBytes is null || side.Base.HeapBytes is null ? null : (at.HeapBytes.Value - side.Base.HeapBytes.Value) / Megabyte / options.Instances;

    private static string Base(SideResult side, int processes)
    {
        var heap = side.Base.HeapBytes is { } bytes ? (bytes / Megabyte / processes).ToString("F1", CultureInfo.InvariantCulture) : "n/a";
        var rss = (side.Base.RssBytes / Megabyte / processes).ToString("F0", CultureInfo.InvariantCulture);
        return $"{rss} MB / {heap} MB" + (processes > 1 ? " per process" : "");
    }

    private string Postgres() => string.Create(CultureInfo.InvariantCulture,
        $"{ours.Base.PostgresProcesses} / {ours.Linked?.PostgresProcesses} / {ours.Resumed?.PostgresProcesses} (PSS {(ours.Linked?.PostgresPssBytes ?? 0) / Megabyte:F0} MB linked)");

    private string IdleCpu(SideResult side) => string.Create(CultureInfo.InvariantCulture,
        $"{side.Idle!.CpuMsPerInstanceMinute(options.Instances):F2} ms (no instance: {side.Idle.BaseCpuSecondsPerMinute * 1000:F0} ms/min)");

    private string PostgresIdle() => ours.Idle?.PostgresCpuSeconds is { } seconds
        ? string.Create(CultureInfo.InvariantCulture, $" (+ PostgreSQL {seconds * 1000 / options.Instances / (ours.Idle.WindowSeconds / 60):F2} ms)")
        : "";

    private static string RssDrift(IdlePhase idle) => string.Create(CultureInfo.InvariantCulture,
        $"{idle.RssAtStartBytes / Megabyte:F0} → {idle.RssAtEndBytes / Megabyte:F0} MB");

    private static string Connect(ConnectPhase? phase)
    {
        if (phase is null)
            return "–";
        var main = string.Create(CultureInfo.InvariantCulture, $"{phase.PerSecond:F1}/s ({phase.Seconds:F1} s) / {phase.CpuMsPerInstance:F1} ms");
        return phase.PostgresCpuSeconds is { } pg
            ? main + string.Create(CultureInfo.InvariantCulture, $" (+ PostgreSQL {pg * 1000 / phase.Instances:F1} ms)")
            : main;
    }

    private static string Mb(double? value) => value is null ? "n/a" : string.Create(CultureInfo.InvariantCulture, $"{value:F3} MB");

    private static string Ratio(double? ours, double? theirs) =>
        ours is null || theirs is null || theirs == 0 ? "n/a" : (ours.Value / theirs.Value).ToString("F2", CultureInfo.InvariantCulture);

    private static void Row(StringBuilder text, string figure, string ours, string baileys) =>
        text.AppendLine(CultureInfo.InvariantCulture, $"| {figure} | {ours} | {baileys} |");
}
