using System.Diagnostics;
using System.Text;

namespace CodeChat.Silo.Database;

/// <summary>
/// Runs the PostgreSQL server programs. They refuse to run as root, so when this process is root
/// they run as the unprivileged 'postgres' OS user that the distribution package creates.
/// </summary>
internal sealed class PostgresCommandRunner
{
    internal const string ServiceAccount = "postgres";

    public bool RunsAsServiceAccount { get; } = Environment.IsPrivilegedProcess;

    public async Task<CommandResult> RunAsync(string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (RunsAsServiceAccount)
        {
            startInfo.FileName = "runuser";
            startInfo.ArgumentList.Add("-u");
            startInfo.ArgumentList.Add(ServiceAccount);
            startInfo.ArgumentList.Add("--");
            startInfo.ArgumentList.Add(program);
        }
        else
        {
            startInfo.FileName = program;
        }

        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        // initdb and the server read locale settings; a fixed locale keeps the cluster identical on every machine.
        startInfo.Environment["LC_ALL"] = "C.UTF-8";
        startInfo.Environment["LANG"] = "C.UTF-8";
        return await ExecuteAsync(startInfo, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs a plain system program (chown, runuser) as the current user.</summary>
    public static async Task<CommandResult> RunSystemAsync(string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        return await ExecuteAsync(startInfo, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Gives a path to the service account, so the server can use what this process created.</summary>
    public async Task HandOverAsync(string path, CancellationToken cancellationToken)
    {
        if (!RunsAsServiceAccount)
        {
            return;
        }

        var result = await RunSystemAsync("chown", ["-R", $"{ServiceAccount}:{ServiceAccount}", path], cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw new EmbeddedPostgresException($"Could not give '{path}' to the '{ServiceAccount}' user (chown): {result.Output.Trim()}");
        }
    }

    /// <summary>True when the service account can enter the folder (every parent must be traversable).</summary>
    public async Task<bool> ServiceAccountCanEnterAsync(string directory, CancellationToken cancellationToken)
    {
        if (!RunsAsServiceAccount)
        {
            return true;
        }

        var result = await RunSystemAsync("runuser", ["-u", ServiceAccount, "--", "test", "-x", directory], cancellationToken).ConfigureAwait(false);
        return result.ExitCode == 0;
    }

    private static async Task<CommandResult> ExecuteAsync(ProcessStartInfo startInfo, CancellationToken cancellationToken)
    {
        using var process = new Process { StartInfo = startInfo };
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new EmbeddedPostgresException($"Could not run '{startInfo.FileName}': {ex.Message}", ex);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        string text;
        lock (output)
        {
            text = output.ToString();
        }

        return new CommandResult(process.ExitCode, text);
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }
}

internal readonly record struct CommandResult(int ExitCode, string Output);
