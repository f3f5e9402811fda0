namespace CodeChat.Grains.Storage;

/// <summary>
/// Group commit: items that arrive while a write is in flight wait and go together in the next
/// write, so a busy store pays one transaction (one WAL flush) per batch instead of one per item.
/// There is at most one write at a time and no timer: an item that finds the queue idle is written
/// at once, alone, so a quiet system gains no latency.
/// </summary>
/// <remarks>
/// <para>The writes run on the thread pool, not on the caller's scheduler: a grain that happens to lead a
/// batch must not spend its turn writing other grains' items.</para>
/// <para>When a batch fails because of one of its items (<c>blamesAnItem</c>, e.g. malformed data), each
/// item is written again on its own so only the bad one fails; <c>writeOne</c> must therefore be
/// idempotent (a batch whose commit went through although its answer was lost is written again).
/// Any other failure (database down, timeout) fails the whole batch at once rather than trying its
/// items one by one against a database that is not answering.</para>
/// </remarks>
public sealed class GroupCommitQueue<TItem, TResult>
{
    private readonly Func<IReadOnlyList<TItem>, CancellationToken, Task<IReadOnlyList<TResult>>> _writeBatch;
    private readonly Func<TItem, CancellationToken, Task<TResult>> _writeOne;
    private readonly Func<Exception, bool> _blamesAnItem;
    private readonly Action<Exception, int>? _onItemByItem;
    private readonly int _maxBatch;
    private readonly Lock _gate = new();
    private readonly Queue<Pending> _queue = new();
    private bool _writing;

    /// <param name="onItemByItem">Told (exception, batch size) when a failed batch is retried item by item.</param>
    public GroupCommitQueue(
        Func<IReadOnlyList<TItem>, CancellationToken, Task<IReadOnlyList<TResult>>> writeBatch,
        Func<TItem, CancellationToken, Task<TResult>> writeOne,
        Func<Exception, bool> blamesAnItem,
        int maxBatch,
        Action<Exception, int>? onItemByItem = null)
    {
        ArgumentNullException.ThrowIfNull(writeBatch);
        ArgumentNullException.ThrowIfNull(writeOne);
        ArgumentNullException.ThrowIfNull(blamesAnItem);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBatch);
        _writeBatch = writeBatch;
        _writeOne = writeOne;
        _blamesAnItem = blamesAnItem;
        _maxBatch = maxBatch;
        _onItemByItem = onItemByItem;
    }

    /// <summary>Writes <paramref name="item"/> with whatever else is waiting; completes when it is committed.</summary>
    /// <remarks>
    /// Cancelling before the item is taken into a write withdraws it: it is never written, so a caller
    /// that saw the cancellation can append again without a later, out-of-order copy. Once taken, the
    /// item's write runs to its end and decides the outcome.
    /// </remarks>
    public Task<TResult> WriteAsync(TItem item, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var pending = new Pending(item);
        // Registered before the item is visible to the writer, which disposes it when it takes the item.
        if (cancellationToken.CanBeCanceled)
            pending.Registration = cancellationToken.Register(() => Withdraw(pending, cancellationToken));
        bool lead;
        lock (_gate)
        {
            _queue.Enqueue(pending);
            lead = !_writing;
            _writing = true;
        }

        if (lead)
            _ = Task.Run(DrainAsync, CancellationToken.None);
        return pending.Completion.Task;
    }

    private void Withdraw(Pending pending, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!pending.Taken)
                pending.Completion.TrySetCanceled(cancellationToken);
        }
    }

    private async Task DrainAsync()
    {
        while (true)
        {
            var batch = new List<Pending>();
            lock (_gate)
            {
                while (batch.Count < _maxBatch && _queue.TryDequeue(out var next))
                {
                    if (next.Completion.Task.IsCompleted)
                        continue; // withdrawn by its caller
                    next.Taken = true;
                    batch.Add(next);
                }
                if (batch.Count == 0 && _queue.Count == 0)
                {
                    _writing = false;
                    return;
                }
            }

            // Outside the lock: disposing waits for a running Withdraw, which takes the lock.
            foreach (var pending in batch)
                pending.Registration.Dispose();
            if (batch.Count > 0)
                await WriteBatchAsync(batch);
        }
    }

    private async Task WriteBatchAsync(List<Pending> batch)
    {
        // The write serves many callers, so no single caller's token may abort it.
        try
        {
            var results = await _writeBatch([.. batch.Select(pending => pending.Item)], CancellationToken.None);
            if (results.Count != batch.Count)
                throw new InvalidOperationException($"A batch write of {batch.Count} items returned {results.Count} results.");
            for (var i = 0; i < batch.Count; i++)
                batch[i].Completion.TrySetResult(results[i]);
            return;
        }
        catch (Exception exception) when (batch.Count > 1 && _blamesAnItem(exception))
        {
            _onItemByItem?.Invoke(exception, batch.Count);
        }
        catch (Exception exception)
        {
            foreach (var pending in batch)
                pending.Completion.TrySetException(exception);
            return;
        }

        foreach (var pending in batch)
        {
            try
            {
                pending.Completion.TrySetResult(await _writeOne(pending.Item, CancellationToken.None));
            }
            catch (Exception exception)
            {
                pending.Completion.TrySetException(exception);
            }
        }
    }

    private sealed class Pending(TItem item)
    {
        public TItem Item { get; } = item;
        public TaskCompletionSource<TResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public CancellationTokenRegistration Registration { get; set; }
        /// <summary>Taken into a write (under the queue's lock): a cancellation no longer withdraws it.</summary>
        public bool Taken { get; set; }
    }
}
