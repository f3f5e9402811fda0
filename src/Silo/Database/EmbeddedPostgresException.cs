using CodeChat.Api.Errors;

namespace CodeChat.Silo.Database;

/// <summary>
/// The embedded PostgreSQL server could not be prepared or started. The message is written for the
/// operator as one line, so the host prints it instead of a stack trace.
/// </summary>
public sealed class EmbeddedPostgresException : Exception
{
    public EmbeddedPostgresException(string message) : base(message)
    {
    }

    public EmbeddedPostgresException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Finds this exception anywhere in a chain of wrappers (DI, options, hosting).</summary>
    public static EmbeddedPostgresException? FindIn(Exception? exception) => ExceptionChain.FindFirst<EmbeddedPostgresException>(exception);
}
