namespace CodeChat.Grains.Storage;

/// <summary>
/// Group commit: items that arrive while a write is in flight wait and go together in the next
/// write, so a busy store pays one transaction (one WAL flush) per batch instead of one per item.
/// There is at most one write at a time and no timer: an item that finds the queue idle is written
/// at once, alone, so a quiet system gains no latency. When a batch fails, each of its items is
/// written on its own, so one bad item (say, malformed JSON) fails only its own caller.
/// </summary>
/// <remarks>
/// The writes run on the thread pool, not on the caller's scheduler: a grain that happens to lead a
/// batch must not spend its turn writing other grains' items.
/// </remarks>
public sealed class GroupCommitQueue<TItem, TResult>(
    Func<IReadOnlyList<TItem>, CancellationToken, Task<IReadOnlyList<TResult>>> writeBatch,
    Func<TItem, CancellationToken, Task<TResult>> writeOne,
    int maxBatch)
{
    private readonly Lock _gate = new();
    private readonly Queue<Pending> _queue = new();
    private bool _writing;

    /// <summary>Writes <paramref name="item"/> with whatever else is waiting; completes when it is committed.</summary>
    /// <remarks>
    /// Cancelling stops the wait, not the write: once queued, the item may still be committed, exactly
    /// as a commit can race a cancelled caller.
    /// </remarks>
    public Task<TResult> WriteAsync(TItem item, CancellationToken cancellationToken)
    {
        var pending = new Pending(item, new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        bool lead;
        lock (_gate)
        {
            _queue.Enqueue(pending);
            lead = !_writing;
            _writing = true;
        }

        if (lead)
            _ = Task.Run(DrainAsync, CancellationToken.None);
        return pending.Completion.Task.WaitAsync(cancellationToken);
    }

    private async Task DrainAsync()
    {
        while (true)
        {
            var batch = new List<Pending>();
            lock (_gate)
            {
                while (batch.Count < maxBatch && _queue.TryDequeue(out var next))
                    batch.Add(next);
                if (batch.Count == 0)
                {
                    _writing = false;
                    return;
                }
            }

            await WriteBatchAsync(batch);
        }
    }

    private async Task WriteBatchAsync(List<Pending> batch)
    {
        // The write serves many callers, so no single caller's token may abort it.
        try
        {
            var results = await writeBatch([.. batch.Select(pending => pending.Item)], CancellationToken.None);
            for (var i = 0; i < batch.Count; i++)
                batch[i].Completion.TrySetResult(results[i]);
            return;
        }
        catch (Exception exception) when (batch.Count == 1)
        {
            batch[0].Completion.TrySetException(exception);
            return;
        }
        catch (Exception)
        {
            // Fall through: find out which item failed by writing each alone.
        }

        foreach (var pending in batch)
        {
            try
            {
                pending.Completion.TrySetResult(await writeOne(pending.Item, CancellationToken.None));
            }
            catch (Exception exception)
            {
                pending.Completion.TrySetException(exception);
            }
        }
    }

    private sealed record Pending(TItem Item, TaskCompletionSource<TResult> Completion);
}
