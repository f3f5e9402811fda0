using System.Diagnostics;
using CodeChat.InstanceBench;

// One run, both sides, the same way: the emulator, N of our instances in one silo (CodeChat.Silo,
// Release, embedded PostgreSQL) and N Baileys 7 clients in Node processes of K clients each, all
// linked from scratch by QR, left idle, measured, then restarted on their stored credentials.
// Usage and the meaning of every figure: bench/README.md.
if (BenchOptions.WantsHelp(args))
{
    Console.WriteLine(BenchOptions.Usage);
    return 0;
}

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (Exception e) when (e is ArgumentException or FormatException)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};
var token = cancellation.Token;
var n = options.Instances;
var work = Directory.CreateTempSubdirectory("codechat-instance-bench-").FullName;
var loadBefore = Load();
Log($"work folder {work}; load {loadBefore}");

await using var emulator = await EmulatorProcess.StartAsync(work, token);
GatewayProcess? gateway = null;
BaileysFleet? fleet = null;
try
{
    var ourPhones = Enumerable.Range(0, n).Select(i => $"5511{i:D8}").ToList();
    var baileysPhones = options.OursOnly ? [] : Enumerable.Range(0, n).Select(i => $"5521{i:D8}").ToList();
    await Parallel.ForEachAsync(ourPhones.Concat(baileysPhones), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = token },
        async (phone, ct) => await emulator.CreateAccountAsync(phone, ct));

    // --- no instance yet: what each side costs before its first instance -------------------------
    var dataPath = Path.Combine(work, "gateway-data");
    gateway = await GatewayProcess.StartAsync(dataPath, work, emulator, options, token);
    fleet = options.OursOnly ? null : await BaileysFleet.StartAsync(n, options.ClientsPerProcess, startNow: false, Path.Combine(work, "baileys-auth"), work, emulator, token);
    Log($"gateway ready; {fleet?.ProcessCount ?? 0} Baileys processes loaded; settling {options.Settle.TotalSeconds} s");
    await Task.Delay(options.Settle, token);
    var baseWindow = TimeSpan.FromSeconds(Math.Min(30, options.IdleWindow.TotalSeconds));
    var (ourBaseCpu, baileysBaseCpu) = await IdleCpuPerMinuteAsync(baseWindow);
    var ours = new SideResult { Base = await OurMemoryAsync("base") };
    var baileys = fleet is null ? null : new SideResult { Processes = fleet.ProcessCount, Base = await BaileysMemoryAsync(fleet) };

    // --- linking from scratch, LinkConcurrency at a time on each side ----------------------------
    Log($"linking {n} of our instances");
    ours.Link = await ConnectAsync(
        () => Parallel.ForEachAsync(Enumerable.Range(0, n), new ParallelOptions { MaxDegreeOfParallelism = options.LinkConcurrency, CancellationToken = token },
            async (i, ct) => await gateway.LinkAsync($"bench-{i:D5}", ourPhones[i], emulator, ct)),
        async () => (await emulator.StatsAsync(token)).OnlineDevices >= n,
        () => [gateway.ProcessId], n, withPostgres: true);
    var warningsAfterLink = gateway.Logs.Snapshot();
    Log($"ours: {ours.Link.PerSecond:F1}/s, {ours.Link.CpuMsPerInstance:F1} ms CPU each, {gateway.Logs.Total} warning(s)");
    if (fleet is not null && baileys is not null)
    {
        Log($"linking {n} Baileys clients");
        baileys.Link = await ConnectAsync(
            () => Parallel.ForEachAsync(Enumerable.Range(0, n), new ParallelOptions { MaxDegreeOfParallelism = options.LinkConcurrency, CancellationToken = token },
                async (i, ct) => await fleet.LinkAsync(i, (qr, c) => emulator.ScanAsync(qr, baileysPhones[i], c), ct)),
            () => Task.FromResult(fleet.OpenCount >= n),
            () => fleet.ProcessIds, n, withPostgres: false);
        Log($"Baileys: {baileys.Link.PerSecond:F1}/s, {baileys.Link.CpuMsPerInstance:F1} ms CPU each");
    }

    // --- idle: keepalives only --------------------------------------------------------------------
    Log($"settling {options.Settle.TotalSeconds} s, then {options.IdleWindow.TotalSeconds} s idle window");
    await Task.Delay(options.Settle, token);
    var idleStats = await emulator.StatsAsync(token);
    var ourIdleStart = ProcessGroup.Of([gateway.ProcessId]);
    var postgresIdleStart = ProcessGroup.CpuByProcess(gateway.PostgresProcesses());
    var baileysIdleStart = fleet is null ? default : ProcessGroup.Of(fleet.ProcessIds);
    await Task.Delay(options.IdleWindow, token);
    var idleEndStats = await emulator.StatsAsync(token);
    var loginsDuringIdle = idleEndStats.Logins - idleStats.Logins;
    var pingsDuringIdle = idleEndStats.KeepalivePings - idleStats.KeepalivePings;
    var ourIdleEnd = ProcessGroup.Of([gateway.ProcessId]);
    ours.Idle = new IdlePhase(options.IdleWindow.TotalSeconds, (ourIdleEnd.Cpu - ourIdleStart.Cpu).TotalSeconds, ourBaseCpu, loginsDuringIdle, pingsDuringIdle,
        ourIdleStart.RssBytes, ourIdleEnd.RssBytes, ProcessGroup.CpuSince(postgresIdleStart, gateway.PostgresProcesses()).TotalSeconds);
    if (fleet is not null && baileys is not null)
    {
        var baileysIdleEnd = ProcessGroup.Of(fleet.ProcessIds);
        baileys.Idle = new IdlePhase(options.IdleWindow.TotalSeconds, (baileysIdleEnd.Cpu - baileysIdleStart.Cpu).TotalSeconds, baileysBaseCpu, loginsDuringIdle,
            pingsDuringIdle, baileysIdleStart.RssBytes, baileysIdleEnd.RssBytes);
    }
    ours.Linked = await OurMemoryAsync("linked");
    if (fleet is not null && baileys is not null)
    {
        baileys.Linked = await BaileysMemoryAsync(fleet);
        baileys.ClientReconnects = fleet.Reconnects;
    }

    // --- reconnect storm: restart on stored credentials -------------------------------------------
    Log("restarting the gateway (reconnect storm, ours)");
    var ourStop = await gateway.StopAsync();
    await gateway.DisposeAsync();
    await Until.TrueAsync(async () => (await emulator.StatsAsync(token)).OnlineDevices <= (fleet is null ? 0 : n), TimeSpan.FromMinutes(2), "our instances to drop", token);
    var beforeStorm = await emulator.StatsAsync(token);
    var restartedAt = DateTime.UtcNow;
    gateway = await GatewayProcess.StartAsync(dataPath, work, emulator, options, token);
    var readyAt = DateTime.UtcNow;
    var cpuAtReady = ProcessProbe.Cpu(gateway.ProcessId);
    await Until.TrueAsync(async () => (await emulator.StatsAsync(token)).OnlineDevices >= (fleet is null ? n : 2 * n), TimeSpan.FromMinutes(10), "our instances to resume", token);
    var openAt = DateTime.UtcNow;
    var cpuAtOpen = ProcessProbe.Cpu(gateway.ProcessId);
    var afterStorm = await emulator.StatsAsync(token);
    ours.Reconnect = new ConnectPhase(n, (openAt - restartedAt).TotalSeconds, cpuAtOpen.TotalSeconds);
    ours.ReconnectAfterReady = new ConnectPhase(n, (openAt - readyAt).TotalSeconds, (cpuAtOpen - cpuAtReady).TotalSeconds);
    var fencing = new { logins = afterStorm.Logins - beforeStorm.Logins, replacedLogins = afterStorm.ReplacedLogins - beforeStorm.ReplacedLogins };
    Log($"ours resumed: {ours.ReconnectAfterReady.PerSecond:F1}/s after ready, {ours.ReconnectAfterReady.CpuMsPerInstance:F1} ms CPU each; logins {fencing.logins}, replaced {fencing.replacedLogins}");

    if (fleet is not null && baileys is not null)
    {
        Log("restarting the Baileys processes (reconnect storm, Baileys)");
        await fleet.StopAsync();
        await fleet.DisposeAsync();
        await Until.TrueAsync(async () => (await emulator.StatsAsync(token)).OnlineDevices <= n, TimeSpan.FromMinutes(2), "the Baileys clients to drop", token);
        var spawnedAt = DateTime.UtcNow;
        fleet = await BaileysFleet.StartAsync(n, options.ClientsPerProcess, startNow: true, Path.Combine(work, "baileys-auth"), work, emulator, token);
        await Until.TrueAsync(() => Task.FromResult(fleet.OpenCount >= n), TimeSpan.FromMinutes(10), "the Baileys clients to reconnect", token);
        baileys.Reconnect = new ConnectPhase(n, (DateTime.UtcNow - spawnedAt).TotalSeconds, ProcessGroup.Of(fleet.ProcessIds).Cpu.TotalSeconds);
        Log($"Baileys resumed: {baileys.Reconnect.PerSecond:F1}/s, {baileys.Reconnect.CpuMsPerInstance:F1} ms CPU each");
    }

    Log($"settling {options.Settle.TotalSeconds} s after the restart");
    await Task.Delay(options.Settle, token);
    ours.Resumed = await OurMemoryAsync("resumed");
    if (fleet is not null && baileys is not null)
        baileys.Resumed = await BaileysMemoryAsync(fleet);

    // --- stop everything; the emulator must exit by itself on SIGTERM -----------------------------
    var ourFinalStop = await gateway.StopAsync();
    var finalLogs = gateway.Logs.Snapshot();
    await gateway.DisposeAsync();
    gateway = null;
    if (fleet is not null)
    {
        await fleet.StopAsync();
        await fleet.DisposeAsync();
        fleet = null;
    }

    var emulatorStop = await emulator.StopAsync();
    var loadAfter = Load();
    var report = new Report(options, loadBefore, loadAfter, ours, baileys, warningsAfterLink, finalLogs, fencing,
        new { exitCode = ourStop.ExitCode, seconds = ourStop.Took.TotalSeconds, finalExitCode = ourFinalStop.ExitCode },
        new { exitCode = emulatorStop.ExitCode, seconds = emulatorStop.Took.TotalSeconds });
    var written = await report.WriteAsync(options.OutputDirectory, token);
    Console.WriteLine(report.Markdown());
    Console.WriteLine(report.Ratios());
    Log($"wrote {written}; logs and gcdumps in {work}");
    return 0;
}
finally
{
    // never leave a silo, its PostgreSQL or Node processes behind, also after a failure
    if (gateway is not null)
    {
        await gateway.StopAsync();
        await gateway.DisposeAsync();
    }

    if (fleet is not null)
    {
        await fleet.StopAsync();
        await fleet.DisposeAsync();
    }
}

async Task<ConnectPhase> ConnectAsync(Func<Task> link, Func<Task<bool>> allOpen, Func<IReadOnlyList<int>> pids, int count, bool withPostgres)
{
    var cpuBefore = ProcessGroup.Of(pids()).Cpu;
    var postgresBefore = ProcessGroup.CpuByProcess(gateway!.PostgresProcesses());
    var clock = Stopwatch.StartNew();
    await link();
    await Until.TrueAsync(allOpen, TimeSpan.FromMinutes(10), "every instance to open", token);
    var elapsed = clock.Elapsed;
    return new ConnectPhase(count, elapsed.TotalSeconds, (ProcessGroup.Of(pids()).Cpu - cpuBefore).TotalSeconds,
        withPostgres ? ProcessGroup.CpuSince(postgresBefore, gateway.PostgresProcesses()).TotalSeconds : null);
}

async Task<(double Ours, double Baileys)> IdleCpuPerMinuteAsync(TimeSpan window)
{
    var ourStart = ProcessProbe.Cpu(gateway!.ProcessId);
    var baileysStart = fleet is null ? TimeSpan.Zero : ProcessGroup.Of(fleet.ProcessIds).Cpu;
    await Task.Delay(window, token);
    var minutes = window.TotalMinutes;
    return ((ProcessProbe.Cpu(gateway.ProcessId) - ourStart).TotalSeconds / minutes,
        fleet is null ? 0 : (ProcessGroup.Of(fleet.ProcessIds).Cpu - baileysStart).TotalSeconds / minutes);
}

async Task<MemorySample> OurMemoryAsync(string label)
{
    var heap = options.GcDump ? await HeapProbe.CollectAsync(gateway!.ProcessId, Path.Combine(work, $"ours-{label}.gcdump"), token) : null;
    // RSS after the dump: the induced full GC has run, as on the Node side
    var postgres = ProcessGroup.Of(gateway!.PostgresProcesses());
    return new MemorySample(ProcessProbe.RssBytes(gateway.ProcessId), heap, postgres.Count, postgres.RssBytes, postgres.PssBytes);
}

async Task<MemorySample> BaileysMemoryAsync(BaileysFleet clients)
{
    var heap = await clients.HeapAfterFullGcAsync(token);
    return new MemorySample(ProcessGroup.Of(clients.ProcessIds).RssBytes, heap);
}

static string Load() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ')[..3]);

static void Log(string message) => Console.Error.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {message}");
