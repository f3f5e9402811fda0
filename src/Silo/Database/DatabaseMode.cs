namespace CodeChat.Silo.Database;

public enum DatabaseMode
{
    /// <summary>A private PostgreSQL server in the data folder, started and stopped with the host.</summary>
    Embedded,

    /// <summary>An existing server named by <c>ConnectionStrings:CodeChat</c>.</summary>
    External,
}
