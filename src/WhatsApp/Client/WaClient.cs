using System.Threading.Channels;
using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Pairing;
using CodeChat.WhatsApp.Proto;
using CodeChat.WhatsApp.Signal.Groups;
using CodeChat.WhatsApp.Store;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CodeChat.WhatsApp.Client;

// Concern: the core of the client: its state, construction, the run loop that connects,
// reconnects and reads one connection's stanzas, and disposal. Each protocol concern lives in its
// own WaClient.*.cs file (as whatsmeow keeps pair.go, keepalive.go, prekeys.go apart), so features
// added later get a file of their own instead of growing this one.
/// <summary>
/// One WhatsApp companion device: connects, pairs (QR or pairing code), logs in, keeps the
/// connection alive and reconnects by stream-error kind (whatsapp-protocol.md §0, §4, §5).
/// Everything it learns is reported on <see cref="Events"/>; key material goes to the
/// <see cref="IDeviceStore"/> before the step that depends on it completes.
/// </summary>
public sealed partial class WaClient : IAsyncDisposable
{
    private readonly WaClientOptions _options;
    private readonly IDeviceStore _store;
    private readonly ISignalSessionStore _sessions;
    private readonly ISenderKeyStore _senderKeys;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly IWaConnector _connector;
    private readonly ClientPayloadFactory _payloadFactory;
    private readonly IqRequestTracker _iq = new();
    private readonly ReconnectBackoff _backoff;
    private readonly Channel<WaEvent> _events = Channel.CreateUnbounded<WaEvent>(new UnboundedChannelOptions { SingleWriter = false });
    private readonly SemaphoreSlim _credentialsGate = new(1, 1);
    private readonly SemaphoreSlim _preKeyGate = new(1, 1);
    private readonly Lock _runGate = new();
    private readonly CancellationTokenSource _disposed = new();
    private readonly TaskCompletionSource _disposeCompleted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _disposeStarted;
    private DeviceCredentials? _credentials;
    private CancellationTokenSource? _run;
    private Task _runLoop = Task.CompletedTask;
    private WaClientSession? _session;
    private TaskCompletionSource _nextLogin = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>A client over a device store that also keeps the Signal sessions and sender keys (e.g. <see cref="InMemoryDeviceStore"/>).</summary>
    /// <exception cref="ArgumentException"><paramref name="store"/> is not an <see cref="ISignalSessionStore"/> and <see cref="ISenderKeyStore"/>.</exception>
    public WaClient(WaClientOptions options, IDeviceStore store, ILogger<WaClient>? logger = null, TimeProvider? timeProvider = null, IWaConnector? connector = null)
        : this(
            options,
            store,
            store as ISignalSessionStore ?? throw new ArgumentException("The device store keeps no Signal sessions; pass an ISignalSessionStore.", nameof(store)),
            store as ISenderKeyStore ?? throw new ArgumentException("The device store keeps no sender keys; pass an ISenderKeyStore.", nameof(store)),
            logger,
            timeProvider,
            connector)
    {
    }

    public WaClient(
        WaClientOptions options,
        IDeviceStore store,
        ISignalSessionStore sessions,
        ISenderKeyStore senderKeys,
        ILogger<WaClient>? logger = null,
        TimeProvider? timeProvider = null,
        IWaConnector? connector = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(sessions);
        ArgumentNullException.ThrowIfNull(senderKeys);
        _options = options.Validate();
        _store = store;
        _sessions = sessions;
        _senderKeys = senderKeys;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;
        _connector = connector ?? new NoiseWaConnector(_options, _logger, _time);
        _payloadFactory = new ClientPayloadFactory(_options.Payload);
        _backoff = new ReconnectBackoff(_options.ReconnectBaseDelay, _options.ReconnectMaxDelay, _options.ReconnectJitter);
    }

    /// <summary>Events in the order they happened; completes when the client is disposed.</summary>
    public ChannelReader<WaEvent> Events => _events.Reader;

    /// <summary>The current credentials (null before <see cref="ConnectAsync"/> and after a logout).</summary>
    public DeviceCredentials? Credentials => Volatile.Read(ref _credentials);

    /// <summary>True between <c>&lt;success&gt;</c> and the end of that connection.</summary>
    public bool IsLoggedIn => Volatile.Read(ref _session)?.LoggedIn == true;

    public IAsyncEnumerable<WaEvent> ReadEventsAsync(CancellationToken cancellationToken = default) =>
        _events.Reader.ReadAllAsync(cancellationToken);

    /// <summary>
    /// Loads (or creates and saves) the credentials and opens the first connection. Returns once the
    /// handshake succeeded; from then on the client reconnects by itself as the stream-error policy
    /// allows. Throws when the first connection attempt fails.
    /// </summary>
    public async Task ConnectAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
        await LoadOrCreateCredentialsAsync(cancellationToken).ConfigureAwait(false);

        var firstConnection = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_runGate)
        {
            if (!_runLoop.IsCompleted)
            {
                throw new InvalidOperationException("The client is already connected or connecting.");
            }
            StartRunLoop(firstConnection);
        }
        await firstConnection.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Stops the connection and releases the client. Safe to call more than once and from several
    /// callers at the same time (a grain deactivating while its owner shuts down): the first caller
    /// does the work, the others wait for it to finish.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposeStarted, 1) != 0)
        {
            await _disposeCompleted.Task.ConfigureAwait(false);
            return;
        }
        try
        {
            await StopAsync(new SessionEnd(DisconnectReason.ClientClosed, null, Reconnect: false)).ConfigureAwait(false);
            _disposed.Cancel();
            _events.Writer.TryComplete();
            _run?.Dispose();
            _disposed.Dispose();
            _credentialsGate.Dispose();
            _preKeyGate.Dispose();
            _sendGate.Dispose();
            ReleaseSignalSessions();
        }
        finally
        {
            _disposeCompleted.TrySetResult();
        }
    }

    private async Task StopAsync(SessionEnd end)
    {
        Task runLoop;
        lock (_runGate)
        {
            runLoop = _runLoop;
            _run?.Cancel();
        }
        Volatile.Read(ref _session)?.End(end);
        try
        {
            await runLoop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped on purpose.
        }
    }

    /// <summary>
    /// Starts a new run loop; the caller holds <see cref="_runGate"/> and has checked that no run
    /// loop is running. <paramref name="firstConnection"/> completes when the first connection is
    /// up, faults when it fails, and is cancelled when the loop ends without one.
    /// </summary>
    private void StartRunLoop(TaskCompletionSource firstConnection)
    {
        _run?.Dispose();
        _run = CancellationTokenSource.CreateLinkedTokenSource(_disposed.Token);
        var run = _run.Token;
        _backoff.Reset();
        _outdatedRetryUsed = false;
        _runLoop = Task.Run(() => RunAsync(firstConnection, run), CancellationToken.None);
    }

    private async Task RunAsync(TaskCompletionSource firstConnection, CancellationToken run)
    {
        var first = true;
        try
        {
            while (!run.IsCancellationRequested)
            {
                if (!first && !await MayReconnectAsync(run).ConfigureAwait(false))
                {
                    // Another client owns the session; connecting would take its connection away (440 there).
                    Log.ReconnectDeclined(_logger);
                    Publish(new DisconnectedEvent(DisconnectReason.Superseded, null, WillReconnect: false));
                    break;
                }
                var credentials = Credentials;
                if (credentials is null)
                {
                    break;
                }
                IWaConnection connection;
                WhatsAppWebVersion version;
                try
                {
                    version = await ResolveVersionAsync(run).ConfigureAwait(false);
                    connection = await _connector.ConnectAsync(credentials.NoiseKey.ToKeyPair(), CreatePayload(credentials, version), run).ConfigureAwait(false);
                }
                catch (Exception exception) when (!run.IsCancellationRequested)
                {
                    if (first)
                    {
                        firstConnection.TrySetException(exception);
                        return;
                    }
                    Log.ConnectFailed(_logger, exception);
                    Publish(new DisconnectedEvent(DisconnectReason.ConnectionLost, null, WillReconnect: true));
                    await Task.Delay(_backoff.NextDelay(), _time, run).ConfigureAwait(false);
                    continue;
                }
                first = false;
                Log.Connected(_logger, credentials.IsPaired ? "login" : "registration");

                var end = await RunSessionAsync(connection, firstConnection, run).ConfigureAwait(false);
                if (end.Reason == DisconnectReason.ClientOutdated)
                {
                    end = await AfterClientOutdatedAsync(end, version, run).ConfigureAwait(false);
                }
                Log.SessionEnded(_logger, end.Reason, end.Code, end.Reconnect);
                if (end.WipeCredentials)
                {
                    await WipeCredentialsAsync(CancellationToken.None).ConfigureAwait(false);
                }
                Publish(new DisconnectedEvent(end.Reason, end.Code, end.Reconnect && !run.IsCancellationRequested));
                if (end.WipeCredentials)
                {
                    Publish(new LoggedOutEvent(end.LogoutReason ?? end.Reason.ToString()));
                }
                if (!end.Reconnect)
                {
                    break;
                }
                if (!end.Immediately)
                {
                    await Task.Delay(_backoff.NextDelay(), _time, run).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (run.IsCancellationRequested)
        {
            // Stopped while waiting to reconnect.
        }
        finally
        {
            firstConnection.TrySetCanceled(CancellationToken.None);
        }
    }

    /// <summary>
    /// Asks <see cref="WaClientOptions.BeforeReconnectAsync"/> whether this client still owns the
    /// session. A failing check proves nothing either way, so it is asked again after the back-off
    /// rather than connecting unfenced or giving up a session that may still be ours.
    /// </summary>
    private async Task<bool> MayReconnectAsync(CancellationToken run)
    {
        var check = _options.BeforeReconnectAsync;
        if (check is null)
        {
            return true;
        }
        while (true)
        {
            try
            {
                return await check(run).ConfigureAwait(false);
            }
            catch (Exception exception) when (!run.IsCancellationRequested)
            {
                Log.ReconnectCheckFailed(_logger, exception);
            }
            await Task.Delay(_backoff.NextDelay(), _time, run).ConfigureAwait(false);
        }
    }

    private ClientPayload CreatePayload(DeviceCredentials credentials, WhatsAppWebVersion version)
    {
        var factory = version == _payloadFactory.Options.Version ? _payloadFactory : _payloadFactory.WithVersion(version);
        if (credentials.GetJid() is { } jid)
        {
            return factory.CreateLoginPayload(jid.User, jid.Device);
        }
        return factory.CreateRegistrationPayload(credentials.ToRegistrationKeys());
    }

    private async Task<SessionEnd> RunSessionAsync(IWaConnection connection, TaskCompletionSource firstConnection, CancellationToken run)
    {
        using var session = new WaClientSession(connection, run, _time.GetUtcNow());
        Volatile.Write(ref _session, session);
        // Group changes while we were away arrive as notifications we may not have seen yet.
        ForgetAllGroupParticipants();
        // ConnectAsync returns only now, so a RequestPairingCodeAsync right after it finds the session.
        firstConnection.TrySetResult();
        session.Track(Task.Run(() => KeepaliveLoopAsync(session), CancellationToken.None));
        session.Track(Task.Run(() => ProcessInboundAsync(session), CancellationToken.None));
        try
        {
            await foreach (var node in connection.ReadNodesAsync(session.Token).ConfigureAwait(false))
            {
                session.LastReceived = _time.GetUtcNow();
                if (_options.RaiseNodeReceived)
                {
                    Publish(new NodeReceivedEvent(node));
                }
                SessionEnd? end;
                try
                {
                    end = await DispatchAsync(session, node).ConfigureAwait(false);
                }
                catch (Exception exception) when (exception is WaBinaryException or PairingException or Google.Protobuf.InvalidProtocolBufferException)
                {
                    // One malformed stanza must not cost the connection; the rest of the stream is fine.
                    Log.MalformedStanza(_logger, node.Tag, exception);
                    continue;
                }
                if (end is not null)
                {
                    session.End(end);
                    break;
                }
            }
            session.End(new SessionEnd(DisconnectReason.ConnectionLost, null, Reconnect: true));
        }
        catch (OperationCanceledException) when (session.Token.IsCancellationRequested)
        {
            session.End(new SessionEnd(DisconnectReason.ClientClosed, null, Reconnect: false));
        }
        catch (Exception exception)
        {
            Log.ConnectionFailed(_logger, exception);
            session.End(new SessionEnd(DisconnectReason.ConnectionLost, null, Reconnect: true));
        }

        var result = await session.Ended.ConfigureAwait(false);
        Volatile.Write(ref _session, null);
        _iq.FailAll(new WaClientException($"The connection ended ({result.Reason})."));
        await CloseQuietlyAsync(connection).ConfigureAwait(false);
        foreach (var task in session.BackgroundTasks)
        {
            try
            {
                await task.ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is OperationCanceledException or WaClientException or TimeoutException)
            {
                // Work of a dead connection; it is redone after reconnecting where needed.
            }
            catch (Exception exception)
            {
                // E.g. the store failing under a pairing step: it must not kill the run loop, which
                // would stop reconnecting without ever reporting the disconnect.
                Log.BackgroundWorkFailed(_logger, exception);
            }
        }
        return result;
    }

    private async Task CloseQuietlyAsync(IWaConnection connection)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5), _time);
            await connection.CloseAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            Log.CloseFailed(_logger, exception);
        }
        await connection.DisposeAsync().ConfigureAwait(false);
    }

    private void Publish(WaEvent wa) => _events.Writer.TryWrite(wa);

    private static partial class Log
    {
        [LoggerMessage(2, LogLevel.Information, "Connected to WhatsApp with the {PayloadKind} payload")]
        public static partial void Connected(ILogger logger, string payloadKind);

        [LoggerMessage(3, LogLevel.Warning, "Connecting to WhatsApp failed")]
        public static partial void ConnectFailed(ILogger logger, Exception exception);

        [LoggerMessage(4, LogLevel.Information, "Connection ended: {Reason} (code {Code}), reconnect {Reconnect}")]
        public static partial void SessionEnded(ILogger logger, DisconnectReason reason, string? code, bool reconnect);

        [LoggerMessage(5, LogLevel.Warning, "The connection failed")]
        public static partial void ConnectionFailed(ILogger logger, Exception exception);

        [LoggerMessage(6, LogLevel.Debug, "Closing the connection failed")]
        public static partial void CloseFailed(ILogger logger, Exception exception);

        [LoggerMessage(23, LogLevel.Warning, "Ignored a malformed <{Tag}> stanza")]
        public static partial void MalformedStanza(ILogger logger, string tag, Exception exception);

        [LoggerMessage(25, LogLevel.Warning, "Background work of the ended connection failed")]
        public static partial void BackgroundWorkFailed(ILogger logger, Exception exception);

        [LoggerMessage(26, LogLevel.Warning, "Reconnect declined: another client owns the session; stopping")]
        public static partial void ReconnectDeclined(ILogger logger);

        [LoggerMessage(27, LogLevel.Warning, "Could not confirm the session is still ours; asking again before reconnecting")]
        public static partial void ReconnectCheckFailed(ILogger logger, Exception exception);
    }
}
