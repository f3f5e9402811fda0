namespace CodeChat.Silo.Database;

/// <summary>The folder holding a PostgreSQL server installation's initdb and pg_ctl.</summary>
public sealed record PostgresBinaries(string Directory)
{
    public string InitDb => Path.Combine(Directory, "initdb");

    public string PgCtl => Path.Combine(Directory, "pg_ctl");

    public const string NotFoundMessage =
        "PostgreSQL server programs (initdb, pg_ctl) were not found on PATH or in /usr/lib/postgresql/*/bin: " +
        "install the 'postgresql' package, or set ConnectionStrings__CodeChat to an existing PostgreSQL database.";

    /// <summary>
    /// Finds the server programs: an explicit folder wins, then PATH, then the Debian/Ubuntu layout
    /// (newest major version first), because Debian does not put initdb on PATH by default.
    /// </summary>
    public static PostgresBinaries Locate(string? explicitDirectory = null)
    {
        if (!string.IsNullOrWhiteSpace(explicitDirectory))
        {
            var configured = new PostgresBinaries(Path.GetFullPath(explicitDirectory));
            if (!configured.IsComplete())
            {
                throw new EmbeddedPostgresException(
                    $"CodeChat:PostgresBinDirectory '{explicitDirectory}' does not contain initdb and pg_ctl: " +
                    "fix the setting, install the 'postgresql' package, or set ConnectionStrings__CodeChat.");
            }

            return configured;
        }

        foreach (var candidate in CandidateDirectories())
        {
            var binaries = new PostgresBinaries(candidate);
            if (binaries.IsComplete())
            {
                return binaries;
            }
        }

        throw new EmbeddedPostgresException(NotFoundMessage);
    }

    private bool IsComplete() => File.Exists(InitDb) && File.Exists(PgCtl);

    private static IEnumerable<string> CandidateDirectories()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var entry in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            yield return entry;
        }

        const string debianRoot = "/usr/lib/postgresql";
        if (System.IO.Directory.Exists(debianRoot))
        {
            var versions = System.IO.Directory.GetDirectories(debianRoot)
                .Select(dir => (dir, version: int.TryParse(Path.GetFileName(dir), out var v) ? v : -1))
                .OrderByDescending(entry => entry.version);
            foreach (var (dir, _) in versions)
            {
                yield return Path.Combine(dir, "bin");
            }
        }
    }
}
