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
    public static EmbeddedPostgresException? FindIn(Exception? exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is EmbeddedPostgresException found)
            {
                return found;
            }

            if (current is AggregateException aggregate && aggregate.InnerExceptions.Count > 1)
            {
                return aggregate.InnerExceptions.Select(FindIn).FirstOrDefault(e => e is not null);
            }
        }

        return null;
    }
}
