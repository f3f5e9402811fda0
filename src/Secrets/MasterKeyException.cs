namespace CodeChat.Secrets;

/// <summary>The master key is missing, malformed or does not open the stored key ring: the host cannot start.</summary>
public sealed class MasterKeyException(string message, Exception? innerException = null) : Exception(message, innerException)
{
    /// <summary>The first <see cref="MasterKeyException"/> in an exception chain, for a one-line start-up error.</summary>
    public static MasterKeyException? FindIn(Exception? exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is MasterKeyException found)
                return found;
            if (current is AggregateException aggregate)
                return aggregate.InnerExceptions.Select(FindIn).FirstOrDefault(inner => inner is not null);
        }

        return null;
    }
}
