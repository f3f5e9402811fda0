using System.Collections.Concurrent;
using System.Threading.Channels;
using CodeChat.Grains.Storage;
using CodeChat.WhatsApp.AppState;
using CodeChat.WhatsApp.Client;
using CodeChat.WhatsApp.Crypto;
using CodeChat.WhatsApp.Media;
using CodeChat.WhatsApp.Proto;
using Microsoft.Extensions.Logging;

namespace CodeChat.Grains.AppState;

/// <summary>
/// One session's app-state sync (whatsapp-protocol.md §9.2; whatsmeow appstate.go <c>FetchAppState</c>,
/// Baileys 7 chats.ts <c>resyncAppState</c>): fetches a collection's snapshot and patches after the
/// version stored for the instance, downloads external blobs from the media host, verifies every
/// MAC and the LT-hash, and applies each snapshot or patch whole, with its events, through
/// <see cref="PostgresAppStateApplier"/>. A patch that fails a check is refused and logged and nothing
/// after it is applied; a patch under a key we lack asks our phone for the key and waits for it.
/// Collections are synced one at a time, in the order asked, on a background worker.
/// </summary>
internal sealed partial class AppStateSync(
    string instanceName,
    long instanceId,
    Func<string?> ownerJid,
    WaClient client,
    PostgresAppStateStore store,
    PostgresAppStateApplier applier,
    Func<MediaTransfer> transfers,
    Func<Task> wakeDispatcher,
    TimeProvider time,
    ILogger logger)
{
    /// <summary>An app-state blob (snapshot or external mutations) is never larger than this.</summary>
    private const long MaxBlobBytes = 64L * 1024 * 1024;
    /// <summary>Fetch rounds per sync (each takes what the server gives, has_more_patches asks for more).</summary>
    private const int MaxRounds = 100;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Channel<string> _requests = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<string, byte> _queued = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _keysRequested = new(StringComparer.Ordinal);
    /// <summary>Per collection, the version we held and the server's when recovery from its snapshot last failed.</summary>
    private readonly ConcurrentDictionary<string, (ulong Held, ulong Server)> _recoveryFailed = new(StringComparer.Ordinal);

    /// <summary>Works through sync requests until <paramref name="cancellationToken"/> ends the session.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var collection in _requests.Reader.ReadAllAsync(cancellationToken))
            {
                _queued.TryRemove(collection, out _);
                try
                {
                    await SyncAsync(collection, cancellationToken);
                }
                catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
                {
                    LogSyncFailed(instanceName, collection, exception);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Queues a sync of each collection (one already queued is not queued twice).</summary>
    public void Request(IEnumerable<string> collections)
    {
        foreach (var collection in collections)
        {
            if (AppStateCollections.IsKnown(collection) && _queued.TryAdd(collection, 0))
                _requests.Writer.TryWrite(collection);
        }
    }

    /// <summary>Syncs <paramref name="collection"/> up to the server's latest version.</summary>
    public async Task SyncAsync(string collection, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await SyncLockedAsync(collection, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Sends our own actions as one patch on top of the latest version, then syncs the collection
    /// again, so the server's copy of our patch is applied here like any other (rows and events).
    /// </summary>
    /// <exception cref="AppStateKeyMissingException">The phone has not shared an app-state key yet.</exception>
    /// <exception cref="WaIqException">The server refused the patch.</exception>
    public async Task SendAsync(string collection, IReadOnlyList<AppStateAction> actions, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (!await SyncLockedAsync(collection, cancellationToken))
                throw new InvalidOperationException($"App-state collection {collection} could not be brought up to date; our change was not sent.");
            var latest = await store.GetLatestKeyAsync(instanceName, cancellationToken)
                ?? throw new AppStateKeyMissingException(collection, []);
            var state = await store.LoadStateAsync(instanceName, collection, cancellationToken);
            var encoded = AppStatePatchEncoder.Encode(collection, state, latest.KeyId, latest.Keys, actions);
            await client.SendIqAsync(AppStateNodes.Push(collection, state.Version, encoded.Patch), cancellationToken);
            LogPatchSent(instanceName, collection, actions.Count, state.Version);
            await SyncLockedAsync(collection, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// True when the collection reached the server's version; false when a key is missing or a patch
    /// was refused. A patch refused on top of a version we hold makes one more fetch that asks for the
    /// server's snapshot, which replaces our state of the collection if it verifies (Baileys 7 chats.ts
    /// <c>resyncAppState</c> forces a snapshot after a failed sync "to recover from corrupted local
    /// state (e.g. LTHash MAC mismatch)"); only when that fails too is the collection left where it was.
    /// A snapshot older than the version we hold is replayed up to that version without touching rows
    /// or raising events (see <see cref="SyncPosition"/>).
    /// </summary>
    private async Task<bool> SyncLockedAsync(string collection, CancellationToken cancellationToken)
    {
        var forceSnapshot = false;
        var recoveryTried = false;
        AppStateCollectionState? rebuilding = null;
        for (var round = 0; round < MaxRounds; round++)
        {
            var stored = await store.LoadStateAsync(instanceName, collection, cancellationToken);
            var position = new SyncPosition(stored.Version, rebuilding);
            var state = rebuilding ?? stored;
            var withSnapshot = forceSnapshot || state.Version == 0;
            forceSnapshot = false;
            var answer = await client.SendIqAsync(AppStateNodes.Fetch(collection, state.Version, withSnapshot), cancellationToken);
            var reply = AppStateNodes.ParseAnswer(answer).FirstOrDefault(c => c.Name == collection);
            if (reply is null)
                return false;
            if (reply.ErrorCode is { } code)
            {
                LogCollectionError(instanceName, collection, code);
                return false;
            }
            try
            {
                if (reply.Snapshot is { } reference && withSnapshot)
                {
                    var snapshot = SyncdSnapshot.Parser.ParseFrom(await DownloadAsync(reference, cancellationToken));
                    var keys = await store.GetKeysAsync(instanceName, AppStatePatchDecoder.KeyIdsOf(snapshot), cancellationToken);
                    var decoded = AppStatePatchDecoder.DecodeSnapshot(collection, snapshot, id => keys.GetValueOrDefault(Convert.ToBase64String(id)));
                    if (!await KeepAsync(collection, position, decoded, cancellationToken))
                        return false;
                    state = decoded.State;
                }
                foreach (var patch in reply.Patches)
                {
                    if (patch.Version.Version <= state.Version)
                        continue;
                    if (patch.ExternalMutations is { } external)
                        patch.Mutations.AddRange(SyncdMutations.Parser.ParseFrom(await DownloadAsync(external, cancellationToken)).Mutations);
                    var keys = await store.GetKeysAsync(instanceName, AppStatePatchDecoder.KeyIdsOf(patch), cancellationToken);
                    var decoded = AppStatePatchDecoder.DecodePatch(collection, patch, state, id => keys.GetValueOrDefault(Convert.ToBase64String(id)));
                    if (!await KeepAsync(collection, position, decoded, cancellationToken))
                        return false;
                    state = decoded.State;
                }
            }
            catch (AppStateKeyMissingException missing)
            {
                await RequestKeysAsync(collection, missing.KeyIds, cancellationToken);
                return false;
            }
            catch (AppStateIntegrityException refused)
            {
                LogPatchRefused(instanceName, collection, refused.Version, refused.Reason);
                if (withSnapshot || recoveryTried)
                {
                    if (recoveryTried)
                        _recoveryFailed[collection] = (position.Stored, reply.Version);
                    return false;
                }
                // The same snapshot would fail the same way: wait until our version or the server's moves.
                if (_recoveryFailed.TryGetValue(collection, out var failed) && failed == (position.Stored, reply.Version))
                {
                    LogRecoveryAlreadyFailed(instanceName, collection, position.Stored, reply.Version);
                    return false;
                }
                recoveryTried = forceSnapshot = true;
                rebuilding = null;
                LogRecovering(instanceName, collection);
                continue;
            }
            rebuilding = position.Rebuilding;
            if (!reply.HasMorePatches)
            {
                if (rebuilding is null)
                {
                    _recoveryFailed.TryRemove(collection, out _);
                    return true;
                }
                // The server ended below the version we hold: keep ours rather than go back.
                LogRebuildFellShort(instanceName, collection, rebuilding.Version, position.Stored);
                _recoveryFailed[collection] = (position.Stored, reply.Version);
                return false;
            }
        }
        return false;
    }

    /// <summary>
    /// Keeps a verified snapshot or patch. One at or below the version stored was applied when we first
    /// met it, so it only moves the LT-hash and version (as Baileys 7 chats.js remembers the version a
    /// sync started from and decodeSyncdSnapshot / decodePatches emit mutations only above it); one below
    /// it stays in memory, so what is stored never goes back to an older version.
    /// </summary>
    private async Task<bool> KeepAsync(string collection, SyncPosition position, AppStateDecoded decoded, CancellationToken cancellationToken)
    {
        if (decoded.State.Version < position.Stored)
        {
            position.Rebuilding = decoded.State;
            return true;
        }
        if (decoded.State.Version == position.Stored)
            decoded = decoded with { Mutations = [] };
        if (!await ApplyAsync(collection, position.Stored, decoded, cancellationToken))
            return false;
        position.Stored = decoded.State.Version;
        position.Rebuilding = null;
        return true;
    }

    /// <summary>
    /// Where one fetch round stands: the version stored for the collection (never lowered), and the
    /// state rebuilt from an older snapshot while it is still below that version.
    /// </summary>
    private sealed class SyncPosition(ulong stored, AppStateCollectionState? rebuilding)
    {
        public ulong Stored { get; set; } = stored;

        public AppStateCollectionState? Rebuilding { get; set; } = rebuilding;
    }

    private async Task<bool> ApplyAsync(string collection, ulong previousVersion, AppStateDecoded decoded, CancellationToken cancellationToken)
    {
        var outcome = await applier.ApplyAsync(instanceName, instanceId, ownerJid(), previousVersion, decoded, time.GetUtcNow(), cancellationToken);
        if (outcome is null)
        {
            LogVersionMoved(instanceName, collection, previousVersion);
            return false;
        }
        LogApplied(instanceName, collection, decoded.State.Version, outcome.Mutations, outcome.Applied);
        if (outcome.Events > 0)
            await wakeDispatcher();
        return true;
    }

    private async Task<byte[]> DownloadAsync(ExternalBlobReference reference, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await transfers().DownloadAsync(reference.DirectPath, null, reference.MediaKey.Memory, MediaType.AppState,
            reference.FileEncSHA256.Memory, reference.FileSHA256.Memory, buffer, MaxBlobBytes, cancellationToken);
        return buffer.ToArray();
    }

    /// <summary>Asks the phone once per session for each key we lack; the key share that answers triggers a new sync.</summary>
    private async Task RequestKeysAsync(string collection, IReadOnlyList<byte[]> keyIds, CancellationToken cancellationToken)
    {
        var fresh = keyIds.Where(id => _keysRequested.TryAdd(Convert.ToBase64String(id), 0)).ToList();
        LogKeyMissing(instanceName, collection, keyIds.Count, fresh.Count > 0);
        if (fresh.Count == 0)
            return;
        try
        {
            await client.RequestAppStateKeysAsync(fresh, cancellationToken);
        }
        catch (Exception exception) when (exception is WaClientException or TimeoutException or WaMessageRejectedException)
        {
            fresh.ForEach(id => _keysRequested.TryRemove(Convert.ToBase64String(id), out _));
            LogKeyRequestFailed(instanceName, exception);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Instance {InstanceName}: app-state {Collection} at version {Version} ({Mutations} mutations, {Applied} applied to chats/contacts)")]
    private partial void LogApplied(string instanceName, string collection, ulong version, int mutations, int applied);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Instance {InstanceName}: app-state {Collection} version {Version} REFUSED ({Reason}); nothing of it applied")]
    private partial void LogPatchRefused(string instanceName, string collection, ulong version, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Instance {InstanceName}: app-state {Collection} asks the server for its snapshot to recover from the refused patch")]
    private partial void LogRecovering(string instanceName, string collection);

    [LoggerMessage(Level = LogLevel.Information, Message = "Instance {InstanceName}: app-state {Collection} recovery already failed at our version {Held} and the server's {Server}; not asking for the snapshot again until one moves")]
    private partial void LogRecoveryAlreadyFailed(string instanceName, string collection, ulong held, ulong server);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Instance {InstanceName}: app-state {Collection} snapshot replay ended at version {Version}, below the version {Stored} we hold; ours is kept")]
    private partial void LogRebuildFellShort(string instanceName, string collection, ulong version, ulong stored);

    [LoggerMessage(Level = LogLevel.Information, Message = "Instance {InstanceName}: app-state {Collection} needs {Count} key(s) we do not hold (asking the phone: {Asking})")]
    private partial void LogKeyMissing(string instanceName, string collection, int count, bool asking);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Instance {InstanceName}: asking the phone for app-state keys failed")]
    private partial void LogKeyRequestFailed(string instanceName, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Instance {InstanceName}: the server answered app-state {Collection} with error {Code}")]
    private partial void LogCollectionError(string instanceName, string collection, int code);

    [LoggerMessage(Level = LogLevel.Information, Message = "Instance {InstanceName}: app-state {Collection} moved past version {Version} meanwhile; this sync stops")]
    private partial void LogVersionMoved(string instanceName, string collection, ulong version);

    [LoggerMessage(Level = LogLevel.Information, Message = "Instance {InstanceName}: sent an app-state patch of {Count} action(s) to {Collection} on top of version {Version}")]
    private partial void LogPatchSent(string instanceName, string collection, int count, ulong version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Instance {InstanceName}: app-state sync of {Collection} failed")]
    private partial void LogSyncFailed(string instanceName, string collection, Exception exception);
}
