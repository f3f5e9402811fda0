using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace CodeChat.Session.Tests.Browser;

/// <summary>
/// Debian's Chromium (<c>/usr/bin/chromium</c>, installed by <c>.ci/run</c>) started headless with a
/// throw-away profile and DevTools on a free port; <see cref="Page"/> is its first tab. No browser
/// automation package: the tests speak the DevTools protocol themselves (<see cref="DevToolsConnection"/>).
/// </summary>
public sealed partial class HeadlessChromium : IAsyncDisposable
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private readonly Process _process;
    private readonly string _profile;

    private HeadlessChromium(Process process, string profile, DevToolsConnection page)
    {
        _process = process;
        _profile = profile;
        Page = page;
    }

    public DevToolsConnection Page { get; }

    public static async Task<HeadlessChromium> StartAsync(CancellationToken cancellationToken)
    {
        // Never skipped: a browser test that quietly does nothing proves nothing.
        Assert.True(File.Exists(ExecutablePath),
            $"{ExecutablePath} is missing: install Debian's chromium package (apt-get install -y chromium), as .ci/run does on CI.");
        var profile = Directory.CreateTempSubdirectory("codechat-chromium-").FullName;
        var start = new ProcessStartInfo(ExecutablePath)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-dev-shm-usage", "--remote-debugging-port=0", "--remote-debugging-address=127.0.0.1",
            // localhost must mean the IPv4 loopback the test servers listen on.
            "--host-resolver-rules=MAP localhost 127.0.0.1", "--window-size=900,600",
            "--user-data-dir=" + profile, "about:blank",
        })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("chromium did not start");
        try
        {
            var browserUrl = await ReadDevToolsUrlAsync(process, cancellationToken);
            var pageUrl = await FindPageAsync(browserUrl, cancellationToken);
            var page = await DevToolsConnection.ConnectAsync(pageUrl, cancellationToken);
            return new HeadlessChromium(process, profile, page);
        }
        catch
        {
            Stop(process, profile);
            throw;
        }
    }

    /// <summary>Chromium prints "DevTools listening on ws://127.0.0.1:PORT/devtools/browser/ID" on stderr; the rest of stderr is drained.</summary>
    private static async Task<Uri> ReadDevToolsUrlAsync(Process process, CancellationToken cancellationToken)
    {
        var found = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var seen = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.ErrorDataReceived += (_, line) =>
        {
            if (line.Data is null)
            {
                found.TrySetException(new InvalidOperationException("chromium exited before DevTools listened: " + string.Join('\n', seen)));
                return;
            }
            if (seen.Count < 50)
                seen.Enqueue(line.Data);
            if (DevToolsListening().Match(line.Data) is { Success: true } match)
                found.TrySetResult(new Uri(match.Groups[1].Value));
        };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        return await found.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
    }

    private static async Task<Uri> FindPageAsync(Uri browserUrl, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://{browserUrl.Authority}/") };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var targets = await http.GetFromJsonAsync<JsonElement>("json/list", cancellationToken);
            foreach (var target in targets.EnumerateArray())
            {
                if (target.GetProperty("type").GetString() == "page")
                    return new Uri(target.GetProperty("webSocketDebuggerUrl").GetString()!);
            }
            if (DateTime.UtcNow > deadline)
                throw new InvalidOperationException("chromium opened no page: " + targets.GetRawText());
            await Task.Delay(100, cancellationToken);
        }
    }

    [GeneratedRegex(@"DevTools listening on (ws://\S+)")]
    private static partial Regex DevToolsListening();

    private static void Stop(Process process, string profile)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(TimeSpan.FromSeconds(30));
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        process.Dispose();
        try
        {
            Directory.Delete(profile, recursive: true);
        }
        catch (IOException)
        {
            // A child still closing a file in the profile: the temp directory is cleaned by the OS later.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Page.DisposeAsync();
        Stop(_process, _profile);
    }
}
