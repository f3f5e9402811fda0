namespace CodeChat.Silo.Database;

/// <summary>One versioned schema change: file <c>NNNN_name.sql</c> of deploy/sql.</summary>
public sealed record Migration(int Version, string Name, string Sql)
{
    public override string ToString() => $"{Version:D4}_{Name}";
}
