using CodeChat.Grains.Storage;

namespace CodeChat.Session.Tests;

public sealed class GroupCommitQueueTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static bool BlamesAnItem(Exception exception) => exception is InvalidOperationException;

    /// <summary>A fake store: records each batch it is given and holds a write open until released.</summary>
    private sealed class RecordingWriter
    {
        private readonly Lock _gate = new();
        public List<int[]> Batches { get; } = [];
        public List<int> Singles { get; } = [];
        public TaskCompletionSource FirstWriteStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource ReleaseFirstWrite { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public Func<int, bool> Fails { get; init; } = _ => false;
        public Func<Exception> Failure { get; init; } = () => new InvalidOperationException("the batch holds a bad item");

        public async Task<IReadOnlyList<string>> WriteBatchAsync(IReadOnlyList<int> items, CancellationToken cancellationToken)
        {
            bool first;
            lock (_gate)
            {
                first = Batches.Count == 0;
                Batches.Add([.. items]);
            }
            if (first)
            {
                FirstWriteStarted.TrySetResult();
                await ReleaseFirstWrite.Task;
            }
            if (items.Any(Fails))
                throw Failure();
            return [.. items.Select(item => $"#{item}")];
        }

        public Task<string> WriteOneAsync(int item, CancellationToken cancellationToken)
        {
            lock (_gate)
                Singles.Add(item);
            return Fails(item) ? Task.FromException<string>(new InvalidOperationException($"bad item {item}")) : Task.FromResult($"#{item}");
        }
    }

    [Fact]
    public async Task Items_arriving_while_a_write_is_in_flight_share_the_next_write_in_order()
    {
        var writer = new RecordingWriter();
        var queue = new GroupCommitQueue<int, string>(writer.WriteBatchAsync, writer.WriteOneAsync, BlamesAnItem, maxBatch: 4);

        var first = queue.WriteAsync(0, Ct);
        await writer.FirstWriteStarted.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        var waiting = Enumerable.Range(1, 6).Select(item => queue.WriteAsync(item, Ct)).ToArray();
        Assert.DoesNotContain(waiting, task => task.IsCompleted);
        writer.ReleaseFirstWrite.SetResult();

        Assert.Equal("#0", await first.WaitAsync(TimeSpan.FromSeconds(30), Ct));
        Assert.Equal(Enumerable.Range(1, 6).Select(item => $"#{item}"), await Task.WhenAll(waiting).WaitAsync(TimeSpan.FromSeconds(30), Ct));
        // The lone first item went alone; the six queued behind it went in two writes of at most four.
        Assert.Equal([[0], [1, 2, 3, 4], [5, 6]], writer.Batches);
        Assert.Empty(writer.Singles);
    }

    [Fact]
    public async Task A_failing_batch_is_written_item_by_item_so_only_the_bad_item_fails()
    {
        var writer = new RecordingWriter { Fails = item => item == 3 };
        var fallbacks = new List<int>();
        var queue = new GroupCommitQueue<int, string>(writer.WriteBatchAsync, writer.WriteOneAsync, BlamesAnItem, maxBatch: 100, (_, count) => fallbacks.Add(count));

        var first = queue.WriteAsync(0, Ct);
        await writer.FirstWriteStarted.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        var waiting = Enumerable.Range(1, 5).ToDictionary(item => item, item => queue.WriteAsync(item, Ct));
        writer.ReleaseFirstWrite.SetResult();

        Assert.Equal("#0", await first.WaitAsync(TimeSpan.FromSeconds(30), Ct));
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => waiting[3].WaitAsync(TimeSpan.FromSeconds(30), Ct));
        Assert.Equal("bad item 3", failure.Message);
        foreach (var item in new[] { 1, 2, 4, 5 })
            Assert.Equal($"#{item}", await waiting[item].WaitAsync(TimeSpan.FromSeconds(30), Ct));
        Assert.Equal([1, 2, 3, 4, 5], writer.Singles);
        Assert.Equal([5], fallbacks);
    }

    [Fact]
    public async Task A_batch_failing_for_another_reason_fails_all_its_callers_without_trying_items_one_by_one()
    {
        var writer = new RecordingWriter { Fails = item => item == 3, Failure = () => new TimeoutException("database not answering") };
        var queue = new GroupCommitQueue<int, string>(writer.WriteBatchAsync, writer.WriteOneAsync, BlamesAnItem, maxBatch: 100);

        var first = queue.WriteAsync(0, Ct);
        await writer.FirstWriteStarted.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        var waiting = Enumerable.Range(1, 5).Select(item => queue.WriteAsync(item, Ct)).ToArray();
        writer.ReleaseFirstWrite.SetResult();

        Assert.Equal("#0", await first.WaitAsync(TimeSpan.FromSeconds(30), Ct));
        foreach (var task in waiting)
            await Assert.ThrowsAsync<TimeoutException>(() => task.WaitAsync(TimeSpan.FromSeconds(30), Ct));
        Assert.Empty(writer.Singles);
    }

    [Fact]
    public async Task A_caller_that_cancels_before_its_item_is_taken_withdraws_it_and_it_is_never_written()
    {
        var writer = new RecordingWriter();
        var queue = new GroupCommitQueue<int, string>(writer.WriteBatchAsync, writer.WriteOneAsync, BlamesAnItem, maxBatch: 100);

        var first = queue.WriteAsync(0, Ct);
        await writer.FirstWriteStarted.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        using var giveUp = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var withdrawn = queue.WriteAsync(1, giveUp.Token);
        var kept = queue.WriteAsync(2, Ct);
        await giveUp.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => withdrawn.WaitAsync(TimeSpan.FromSeconds(30), Ct));
        writer.ReleaseFirstWrite.SetResult();

        Assert.Equal("#0", await first.WaitAsync(TimeSpan.FromSeconds(30), Ct));
        Assert.Equal("#2", await kept.WaitAsync(TimeSpan.FromSeconds(30), Ct));
        Assert.Equal([[0], [2]], writer.Batches);
    }

    [Fact]
    public async Task A_caller_that_cancels_after_its_item_was_taken_gets_the_writes_outcome()
    {
        var writer = new RecordingWriter();
        var queue = new GroupCommitQueue<int, string>(writer.WriteBatchAsync, writer.WriteOneAsync, BlamesAnItem, maxBatch: 100);
        using var giveUp = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var taken = queue.WriteAsync(0, giveUp.Token);
        await writer.FirstWriteStarted.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        await giveUp.CancelAsync();
        writer.ReleaseFirstWrite.SetResult();

        Assert.Equal("#0", await taken.WaitAsync(TimeSpan.FromSeconds(30), Ct));
    }

    [Fact]
    public void A_batch_size_below_one_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new GroupCommitQueue<int, string>(
            (_, _) => Task.FromResult<IReadOnlyList<string>>([]), (_, _) => Task.FromResult(""), BlamesAnItem, maxBatch: 0));

    [Fact]
    public async Task A_lone_failing_item_gets_the_batch_error_and_the_queue_keeps_working()
    {
        var writer = new RecordingWriter { Fails = item => item == 1 };
        writer.ReleaseFirstWrite.SetResult();
        var queue = new GroupCommitQueue<int, string>(writer.WriteBatchAsync, writer.WriteOneAsync, BlamesAnItem, maxBatch: 10);

        Assert.Equal("#0", await queue.WriteAsync(0, Ct).WaitAsync(TimeSpan.FromSeconds(30), Ct));
        await Assert.ThrowsAsync<InvalidOperationException>(() => queue.WriteAsync(1, Ct).WaitAsync(TimeSpan.FromSeconds(30), Ct));
        Assert.Equal("#2", await queue.WriteAsync(2, Ct).WaitAsync(TimeSpan.FromSeconds(30), Ct));
        Assert.Empty(writer.Singles);
    }
}
