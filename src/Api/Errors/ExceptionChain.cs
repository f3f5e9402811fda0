namespace CodeChat.Api.Errors;

/// <summary>Looks through the wrappers hosting adds (DI, options, aggregate start-up failures) for a cause.</summary>
public static class ExceptionChain
{
    /// <summary>The first <typeparamref name="T"/> among an exception and its inner exceptions, depth first.</summary>
    public static T? FindFirst<T>(Exception? exception)
        where T : Exception
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is T found)
            {
                return found;
            }

            if (current is AggregateException aggregate)
            {
                return aggregate.InnerExceptions.Select(FindFirst<T>).FirstOrDefault(e => e is not null);
            }
        }

        return null;
    }
}
