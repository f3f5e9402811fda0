using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;

namespace CodeChat.Silo.Database;

/// <summary>
/// The migrations shipped inside the Silo assembly (deploy/sql/*.sql embedded as resources), in
/// version order. Any helper adds a schema change by dropping a new <c>NNNN_name.sql</c> file there.
/// Conversions written in C# (<see cref="CodeMigrations"/>) record their own numbers in the same
/// <c>schema_version</c> table, so a SQL file may never take one of <see cref="CodeVersions"/>: the
/// database would believe it applied and skip it.
/// </summary>
public static partial class MigrationCatalog
{
    private const string ResourcePrefix = "CodeChat.Silo.Migrations.";

    /// <summary>Schema versions taken by the C# data migrations.</summary>
    public static IReadOnlyList<int> CodeVersions { get; } =
        [ProtectStoredSecretsMigration.Version, ProtectSenderKeysMigration.Version, ProtectWebhookSecretsMigration.Version];

    public static IReadOnlyList<Migration> Embedded { get; } = Load(typeof(MigrationCatalog).Assembly);

    public static IReadOnlyList<Migration> Load(Assembly assembly)
    {
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            var fileName = resource[ResourcePrefix.Length..];
            var match = FileNamePattern().Match(fileName);
            if (!match.Success)
            {
                throw new InvalidOperationException($"Migration file '{fileName}' must be named NNNN_name.sql.");
            }

            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            migrations.Add(new Migration(
                int.Parse(match.Groups["version"].Value, CultureInfo.InvariantCulture),
                match.Groups["name"].Value,
                reader.ReadToEnd()));
        }

        var duplicate = migrations.GroupBy(m => m.Version).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException(
                $"Two migrations share version {duplicate.Key:D4}: {string.Join(", ", duplicate)}.");
        }

        var takenByCode = migrations.FirstOrDefault(m => CodeVersions.Contains(m.Version));
        if (takenByCode is not null)
        {
            throw new InvalidOperationException(
                $"Migration {takenByCode} uses version {takenByCode.Version:D4}, which a C# data migration records; pick a free number.");
        }

        return migrations.OrderBy(m => m.Version).ToArray();
    }

    [GeneratedRegex(@"^(?<version>\d{4})_(?<name>[A-Za-z0-9_]+)\.sql$")]
    private static partial Regex FileNamePattern();
}
