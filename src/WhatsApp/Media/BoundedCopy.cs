namespace CodeChat.WhatsApp.Media;

/// <summary>Copies a stream of unknown length, stopping as soon as it passes a size limit.</summary>
public static class BoundedCopy
{
    /// <summary>
    /// Copies <paramref name="source"/> into <paramref name="destination"/>; returns the number of
    /// bytes copied, or -1 as soon as more than <paramref name="maxBytes"/> arrived (the destination
    /// then holds a partial copy the caller discards). <paramref name="progress"/> gets the running total.
    /// </summary>
    public static async Task<long> CopyAsync(Stream source, Stream destination, long maxBytes, Action<long>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            total += read;
            if (total > maxBytes)
                return -1;
            await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            progress?.Invoke(total);
        }
        return total;
    }
}
