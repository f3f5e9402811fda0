using System.Globalization;
using System.Text;
using System.Threading.Channels;
using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Crypto;
using CodeChat.WhatsApp.Pairing;
using CodeChat.WhatsApp.Proto;
using CodeChat.WhatsApp.Store;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CodeChat.WhatsApp.Client;

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
    private DeviceCredentials? _credentials;
    private CancellationTokenSource? _run;
    private Task _runLoop = Task.CompletedTask;
    private WaClientSession? _session;
    private TaskCompletionSource _nextLogin = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public WaClient(WaClientOptions options, IDeviceStore store, ILogger<WaClient>? logger = null, TimeProvider? timeProvider = null, IWaConnector? connector = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(store);
        _options = options.Validate();
        _store = store;
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
        await _credentialsGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var credentials = await _store.LoadCredentialsAsync(cancellationToken).ConfigureAwait(false);
            if (credentials is null)
            {
                credentials = DeviceCredentials.CreateNew(_time);
                await _store.SaveCredentialsAsync(credentials, cancellationToken).ConfigureAwait(false);
                Log.CreatedCredentials(_logger, credentials.RegistrationId);
            }
            Volatile.Write(ref _credentials, credentials);
        }
        finally
        {
            _credentialsGate.Release();
        }

        var firstConnection = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_runGate)
        {
            if (!_runLoop.IsCompleted)
            {
                throw new InvalidOperationException("The client is already connected or connecting.");
            }
            _run?.Dispose();
            _run = CancellationTokenSource.CreateLinkedTokenSource(_disposed.Token);
            var run = _run.Token;
            _backoff.Reset();
            _runLoop = Task.Run(() => RunAsync(firstConnection, run), CancellationToken.None);
        }
        await firstConnection.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Links by phone number instead of QR (§4.4): returns the 8-character code the user types on the
    /// phone, without a dash as Baileys' requestPairingCode returns it (format it for display with
    /// <see cref="PairingCode.FormatForDisplay"/>), also raised as <see cref="PairingCodeEvent"/>.
    /// Call after <see cref="ConnectAsync"/> on an unpaired device.
    /// </summary>
    /// <param name="phoneNumber">International number, digits only (a leading + is accepted).</param>
    public async Task<string> RequestPairingCodeAsync(string phoneNumber, CancellationToken cancellationToken = default)
    {
        var digits = NormalizePhoneNumber(phoneNumber);
        var session = Volatile.Read(ref _session) ?? throw new WaClientException("Not connected.");
        var credentials = Credentials ?? throw new WaClientException("Not connected.");
        if (credentials.IsPaired)
        {
            throw new WaClientException("This device is already paired.");
        }
        await session.PairDeviceSeen.Task.WaitAsync(_options.IqTimeout, _time, cancellationToken).ConfigureAwait(false);

        var pairing = CompanionPairingCode.Create();
        var phone = new Jid(digits, JidServers.User);
        var hello = PairingNodes.CompanionHello(
            phone, pairing.WrapEphemeralKey(), credentials.NoiseKey.PublicKey, _options.ClientType, _options.ClientDisplayName);
        var response = await SendIqAsync(ClientNodes.Iq("md", "set", hello), cancellationToken).ConfigureAwait(false);
        var reference = response.GetChildByPath("link_code_companion_reg", "link_code_pairing_ref")?.Bytes
            ?? throw new WaClientException("The server did not return a pairing-code ref.");
        session.PendingPairingCode = new PendingPairingCode(pairing, phone, Encoding.UTF8.GetString(reference.Span));
        Log.PairingCodeRequested(_logger);
        Publish(new PairingCodeEvent(pairing.Code));
        return pairing.Code;
    }

    /// <summary>
    /// Unlinks this device on the server, stops the client and wipes the store. A paired device whose
    /// socket is down (reconnecting, stopped, or never connected by this client) first connects for at
    /// most <see cref="WaClientOptions.LogoutConnectTimeout"/> so the server can drop it from the
    /// account; if that fails the device is wiped locally anyway.
    /// </summary>
    public async Task LogoutAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
        var credentials = Credentials ?? await _store.LoadCredentialsAsync(cancellationToken).ConfigureAwait(false);
        if (credentials?.IsPaired == true && credentials.GetJid() is { } ownJid)
        {
            try
            {
                await EnsureLoggedInForLogoutAsync(credentials, cancellationToken).ConfigureAwait(false);
                await SendIqAsync(ClientNodes.RemoveCompanionDevice(ownJid), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is WaClientException or TimeoutException)
            {
                // The device is wiped locally either way; the phone can still remove it from its list.
                Log.LogoutIqFailed(_logger, exception);
            }
        }
        await StopAsync(new SessionEnd(DisconnectReason.ClientClosed, null, Reconnect: false)).ConfigureAwait(false);
        await WipeCredentialsAsync(cancellationToken).ConfigureAwait(false);
        Publish(new LoggedOutEvent("user_initiated"));
    }

    /// <summary>Waits for a logged-in connection, opening one if nothing is running; bounded by <see cref="WaClientOptions.LogoutConnectTimeout"/>.</summary>
    private async Task EnsureLoggedInForLogoutAsync(DeviceCredentials credentials, CancellationToken cancellationToken)
    {
        // Read the signal before checking, so a login in between is seen either way.
        var login = Volatile.Read(ref _nextLogin).Task;
        if (IsLoggedIn)
        {
            return;
        }
        Task runLoop;
        lock (_runGate)
        {
            if (_runLoop.IsCompleted)
            {
                Log.ConnectingForLogout(_logger);
                Interlocked.CompareExchange(ref _credentials, credentials, null);
                _run?.Dispose();
                _run = CancellationTokenSource.CreateLinkedTokenSource(_disposed.Token);
                var run = _run.Token;
                _backoff.Reset();
                // Nobody waits for the first connection here: the run loop ending tells us instead.
                var firstConnection = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _ = firstConnection.Task.ContinueWith(static failed => _ = failed.Exception, CancellationToken.None,
                    TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                _runLoop = Task.Run(() => RunAsync(firstConnection, run), CancellationToken.None);
            }
            runLoop = _runLoop;
        }
        var first = await Task.WhenAny(login, runLoop)
            .WaitAsync(_options.LogoutConnectTimeout, _time, cancellationToken).ConfigureAwait(false);
        if (first != login)
        {
            throw new WaClientException("The connection ended before the logout could reach the server.");
        }
    }

    /// <summary>Sends a node on the current connection.</summary>
    public async Task SendNodeAsync(Node node, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(node);
        var session = Volatile.Read(ref _session) ?? throw new WaClientException("Not connected.");
        await session.Connection.SendAsync(node, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends an iq (assigning an id when it has none) and waits for the answer.
    /// Throws <see cref="WaIqException"/> for an error answer, <see cref="TimeoutException"/> after
    /// <see cref="WaClientOptions.IqTimeout"/>, <see cref="WaClientException"/> when the connection drops.
    /// </summary>
    public Task<Node> SendIqAsync(Node iq, CancellationToken cancellationToken = default) =>
        SendIqAsync(iq, _options.IqTimeout, cancellationToken);

    public async Task<Node> SendIqAsync(Node iq, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(iq);
        var session = Volatile.Read(ref _session) ?? throw new WaClientException("Not connected.");
        var id = iq.GetAttribute("id");
        if (id is null)
        {
            id = _iq.NextId();
            iq = new Node(iq.Tag, [new("id", id), .. iq.Attributes], iq.Content);
        }
        var answer = _iq.Register(id);
        try
        {
            await session.Connection.SendAsync(iq, cancellationToken).ConfigureAwait(false);
            var response = await answer.WaitAsync(timeout, _time, cancellationToken).ConfigureAwait(false);
            if (response.GetAttribute("type") == "error")
            {
                var error = response.GetChild("error");
                throw new WaIqException(error?.GetInt32("code") ?? 0, error?.GetAttribute("text"));
            }
            return response;
        }
        catch (Exception exception) when (exception is not WaIqException)
        {
            _iq.Forget(id);
            if (exception is TimeoutException or OperationCanceledException or WaClientException)
            {
                throw;
            }
            throw new WaClientException("The iq could not be sent.", exception);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed.IsCancellationRequested)
        {
            return;
        }
        await StopAsync(new SessionEnd(DisconnectReason.ClientClosed, null, Reconnect: false)).ConfigureAwait(false);
        _disposed.Cancel();
        _events.Writer.TryComplete();
        _run?.Dispose();
        _disposed.Dispose();
        _credentialsGate.Dispose();
        _preKeyGate.Dispose();
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

    // ----- connection loop -----

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
                try
                {
                    connection = await _connector.ConnectAsync(credentials.NoiseKey.ToKeyPair(), CreatePayload(credentials), run).ConfigureAwait(false);
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

    private ClientPayload CreatePayload(DeviceCredentials credentials)
    {
        if (credentials.GetJid() is { } jid)
        {
            return _payloadFactory.CreateLoginPayload(jid.User, jid.Device);
        }
        return _payloadFactory.CreateRegistrationPayload(credentials.ToRegistrationKeys());
    }

    private async Task<SessionEnd> RunSessionAsync(IWaConnection connection, TaskCompletionSource firstConnection, CancellationToken run)
    {
        using var session = new WaClientSession(connection, run, _time.GetUtcNow());
        Volatile.Write(ref _session, session);
        // ConnectAsync returns only now, so a RequestPairingCodeAsync right after it finds the session.
        firstConnection.TrySetResult();
        session.Track(Task.Run(() => KeepaliveLoopAsync(session), CancellationToken.None));
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

    // ----- dispatch -----

    private async ValueTask<SessionEnd?> DispatchAsync(WaClientSession session, Node node)
    {
        if (_iq.TryComplete(node))
        {
            return null;
        }
        switch (node.Tag)
        {
            case "iq":
                await HandleIqAsync(session, node).ConfigureAwait(false);
                return null;
            case "success":
                await HandleSuccessAsync(session, node).ConfigureAwait(false);
                return null;
            case "failure":
                var failure = StreamErrorPolicy.ForLoginFailure(node.GetAttribute("reason"));
                Log.LoginFailure(_logger, failure.Code);
                return SessionEnd.From(failure);
            case "stream:error" or "xmlstreamend":
                var decision = StreamErrorPolicy.ForStreamError(node);
                Log.StreamError(_logger, decision.Kind, decision.Code);
                Publish(new StreamErrorEvent(decision.Kind, decision.Code));
                return SessionEnd.From(decision);
            case "notification":
                await HandleNotificationAsync(session, node).ConfigureAwait(false);
                return null;
            case "ib":
                HandleIb(node);
                return null;
            default:
                return null;
        }
    }

    private async Task HandleIqAsync(WaClientSession session, Node iq)
    {
        var type = iq.GetAttribute("type");
        if (type == "get" && (iq.GetAttribute("xmlns") == "urn:xmpp:ping" || iq.HasChild("ping")))
        {
            await session.Connection.SendAsync(ClientNodes.Pong(iq), session.Token).ConfigureAwait(false);
            return;
        }
        if (type != "set")
        {
            return;
        }
        if (iq.GetChild("pair-device") is { } pairDevice)
        {
            await session.Connection.SendAsync(PairingNodes.IqResult(iq.GetRequiredAttribute("id")), session.Token).ConfigureAwait(false);
            var refs = pairDevice.GetChildren("ref")
                .Select(reference => reference.Bytes is { } bytes ? Encoding.UTF8.GetString(bytes.Span) : reference.Content.Text)
                .OfType<string>()
                .ToList();
            _backoff.Reset();
            session.PairDeviceSeen.TrySetResult();
            var qrToken = session.RestartQrLoop();
            session.Track(Task.Run(() => QrLoopAsync(session, refs, qrToken), CancellationToken.None));
            return;
        }
        if (iq.HasChild("pair-success"))
        {
            await HandlePairSuccessAsync(session, iq).ConfigureAwait(false);
        }
    }

    private async Task QrLoopAsync(WaClientSession session, IReadOnlyList<string> refs, CancellationToken cancellationToken)
    {
        var credentials = Credentials;
        if (credentials is null)
        {
            return;
        }
        try
        {
            for (var index = 0; index < refs.Count; index++)
            {
                var code = PairingQrCode.Create(
                    refs[index], credentials.NoiseKey.ToPublicKey(), credentials.IdentityKey.ToPublicKey(), credentials.AdvSecretKey, _options.ClientType);
                Publish(new QrCodeEvent(code, index + 1));
                await Task.Delay(index == 0 ? _options.QrFirstRefTimeout : _options.QrNextRefTimeout, _time, cancellationToken).ConfigureAwait(false);
            }
            Log.QrTimeout(_logger);
            session.End(new SessionEnd(DisconnectReason.QrTimeout, null, Reconnect: false));
        }
        catch (OperationCanceledException)
        {
            // Scanned, replaced by new refs, or the connection ended.
        }
    }

    private async Task HandlePairSuccessAsync(WaClientSession session, Node iq)
    {
        var stanza = PairSuccessStanza.Parse(iq);
        var credentials = Credentials ?? throw new WaClientException("No credentials while pairing.");
        VerifiedDeviceIdentity verified;
        try
        {
            verified = CompanionDeviceIdentity.Verify(stanza.DeviceIdentity.Span, credentials.AdvSecretKey, credentials.IdentityKey.ToKeyPair());
        }
        catch (PairingException exception)
        {
            Log.PairingRejected(_logger, exception.Error.Text, exception);
            await session.Connection.SendAsync(PairingNodes.PairError(stanza.IqId, exception.Error), session.Token).ConfigureAwait(false);
            Publish(new PairErrorEvent(exception.Error.Text, exception.Message));
            return;
        }
        session.StopQrLoop();

        // Persist the account before answering: once the phone sees pair-device-sign it considers us linked.
        await UpdateCredentialsAsync(current => current with
        {
            Account = verified.Account.ToByteArray(),
            Jid = stanza.Jid.ToString(),
            Lid = stanza.Lid?.ToString(),
            Platform = stanza.Platform,
            BusinessName = stanza.BusinessName,
            KeyIndex = verified.KeyIndex,
        }, session.Token).ConfigureAwait(false);
        if (stanza.Lid is { } lid)
        {
            // The account signature key is the primary device's identity (§4.3 step 6).
            await _store.SaveIdentityAsync(lid.ToNonAd(), verified.AccountSignatureKey, session.Token).ConfigureAwait(false);
            await _store.SaveLidMappingAsync(lid, stanza.Jid, session.Token).ConfigureAwait(false);
        }
        await session.Connection.SendAsync(PairingNodes.PairDeviceSign(stanza.IqId, verified.CreateReplyIdentity(), verified.KeyIndex), session.Token).ConfigureAwait(false);
        Log.Paired(_logger, stanza.Jid.ToString(), stanza.Platform);
        Publish(new PairSuccessEvent(stanza.Jid, stanza.Lid, stanza.Platform, stanza.BusinessName));
    }

    private async Task HandleSuccessAsync(WaClientSession session, Node success)
    {
        var credentials = Credentials ?? throw new WaClientException("No credentials at login.");
        var lid = success.GetJid("lid");
        if (lid is { } newLid && credentials.Lid is null && credentials.GetJid() is { } pn)
        {
            var ownLid = newLid.WithDevice(pn.Device);
            credentials = await UpdateCredentialsAsync(current => current with { Lid = ownLid.ToString() }, session.Token).ConfigureAwait(false);
            await _store.SaveLidMappingAsync(ownLid, pn, session.Token).ConfigureAwait(false);
        }
        session.LoggedIn = true;
        Interlocked.Exchange(ref _nextLogin, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        _backoff.Reset();
        var jid = credentials.GetJid() ?? throw new WaClientException("Logged in without an own JID.");
        Log.LoggedIn(_logger, jid.ToString());
        Publish(new ConnectedEvent(jid, credentials.GetLid(), credentials.PushName));
        session.Track(Task.Run(() => AfterLoginAsync(session), CancellationToken.None));
    }

    private async Task AfterLoginAsync(WaClientSession session)
    {
        try
        {
            await SendIqAsync(ClientNodes.SetActive(), session.Token).ConfigureAwait(false);
            await EnsurePreKeysAsync(session.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (!session.Token.IsCancellationRequested)
        {
            // Includes store failures: the connection stays usable, the next login retries the upload.
            Log.AfterLoginFailed(_logger, exception);
        }
    }

    /// <summary>Uploads prekeys when the server runs low (§5.2): 812 the first time, a refill afterwards.</summary>
    private async Task EnsurePreKeysAsync(CancellationToken cancellationToken)
    {
        await _preKeyGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var response = await SendIqAsync(ClientNodes.PreKeyCount(), cancellationToken).ConfigureAwait(false);
            var serverCount = response.GetChild("count")?.GetInt32("value") ?? 0;
            if (serverCount >= _options.MinPreKeyCount)
            {
                return;
            }
            var uploadedBefore = await _store.CountUploadedPreKeysAsync(cancellationToken).ConfigureAwait(false);
            var wanted = serverCount == 0 && uploadedBefore == 0 ? _options.InitialPreKeyUploadCount : _options.PreKeyRefillCount;
            // The store persists new keys before returning them, so an upload never names a key we could lose.
            var keys = await _store.GetOrGeneratePreKeysAsync(wanted, cancellationToken).ConfigureAwait(false);
            var credentials = Credentials ?? throw new WaClientException("No credentials for the prekey upload.");
            await SendIqAsync(ClientNodes.PreKeyUpload(credentials, keys), cancellationToken).ConfigureAwait(false);
            await _store.MarkPreKeysUploadedAsync(keys.Max(key => key.Id), cancellationToken).ConfigureAwait(false);
            Log.PreKeysUploaded(_logger, keys.Count, serverCount);
        }
        finally
        {
            _preKeyGate.Release();
        }
    }

    private async Task HandleNotificationAsync(WaClientSession session, Node notification)
    {
        switch (notification.GetAttribute("type"))
        {
            case "encrypt" when notification.GetChild("count") is { } count
                && (count.GetInt32("value") ?? 0) < _options.MinPreKeyCount
                && session.LoggedIn:
                session.Track(Task.Run(async () =>
                {
                    try
                    {
                        await EnsurePreKeysAsync(session.Token).ConfigureAwait(false);
                    }
                    catch (Exception exception) when (!session.Token.IsCancellationRequested)
                    {
                        Log.AfterLoginFailed(_logger, exception);
                    }
                }, CancellationToken.None));
                break;
            case "link_code_companion_reg":
                var pending = session.PendingPairingCode;
                if (pending is not null)
                {
                    session.Track(Task.Run(() => FinishPairingCodeAsync(session, pending, notification), CancellationToken.None));
                }
                break;
        }
        if (notification.HasAttribute("id"))
        {
            await session.Connection.SendAsync(ClientNodes.Ack(notification), session.Token).ConfigureAwait(false);
        }
    }

    private async Task FinishPairingCodeAsync(WaClientSession session, PendingPairingCode pending, Node notification)
    {
        try
        {
            var registration = notification.GetRequiredChild("link_code_companion_reg");
            var reference = registration.GetChild("link_code_pairing_ref")?.Bytes;
            if (reference is null || Encoding.UTF8.GetString(reference.Value.Span) != pending.Reference)
            {
                Log.PairingCodeRefMismatch(_logger);
                return;
            }
            var wrappedPrimary = registration.GetRequiredChild("link_code_pairing_wrapped_primary_ephemeral_pub").Bytes
                ?? throw new PairingException(PairingError.InternalError, "No wrapped primary ephemeral key.");
            var primaryIdentity = registration.GetRequiredChild("primary_identity_pub").Bytes
                ?? throw new PairingException(PairingError.InternalError, "No primary identity key.");
            var credentials = Credentials ?? throw new WaClientException("No credentials while pairing.");
            var finish = pending.Code.Finish(wrappedPrimary.Span, Curve25519PublicKey.FromBytes(primaryIdentity.Span), credentials.IdentityKey.ToKeyPair());

            // The derived adv secret must be durable before the phone can answer with pair-success (pitfall P25).
            credentials = await UpdateCredentialsAsync(current => current with { AdvSecretKey = finish.AdvSecret }, session.Token).ConfigureAwait(false);
            session.PendingPairingCode = null;
            var finishNode = PairingNodes.CompanionFinish(pending.Phone, finish.WrappedKeyBundle, credentials.IdentityKey.PublicKey, pending.Reference);
            await SendIqAsync(ClientNodes.Iq("md", "set", finishNode), session.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is PairingException or WaBinaryException or ArgumentException or WaClientException or TimeoutException)
        {
            Log.PairingCodeFailed(_logger, exception);
            Publish(new PairErrorEvent("pairing-code", exception.Message));
        }
    }

    private void HandleIb(Node ib)
    {
        if (ib.GetChild("offline") is { } offline)
        {
            Log.OfflineDone(_logger, offline.GetInt32("count") ?? 0);
        }
        if (ib.HasChild("downgrade_webclient"))
        {
            Log.DowngradeWebClient(_logger);
        }
    }

    // ----- keepalive -----

    private async Task KeepaliveLoopAsync(WaClientSession session)
    {
        var lastAlive = _time.GetUtcNow();
        var token = session.Token;
        try
        {
            while (!token.IsCancellationRequested)
            {
                var spread = _options.KeepaliveIntervalMax - _options.KeepaliveIntervalMin;
                var interval = _options.KeepaliveIntervalMin + spread * Random.Shared.NextDouble();
                await Task.Delay(interval, _time, token).ConfigureAwait(false);
                try
                {
                    await SendIqAsync(ClientNodes.KeepalivePing(), _options.KeepaliveResponseTimeout, token).ConfigureAwait(false);
                    lastAlive = _time.GetUtcNow();
                }
                catch (WaIqException)
                {
                    // An error answer still proves the connection works.
                    lastAlive = _time.GetUtcNow();
                }
                catch (TimeoutException)
                {
                    if (session.LastReceived > lastAlive)
                    {
                        lastAlive = session.LastReceived;
                    }
                    var silence = _time.GetUtcNow() - lastAlive;
                    Log.KeepaliveMissed(_logger, silence);
                    if (silence >= _options.KeepaliveDeadAfter)
                    {
                        session.End(new SessionEnd(DisconnectReason.KeepaliveTimeout, null, Reconnect: true, Immediately: true));
                        return;
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The connection ended.
        }
        catch (WaClientException)
        {
            // The connection dropped mid-ping; the session end handles it.
        }
    }

    // ----- helpers -----

    private async Task<DeviceCredentials> UpdateCredentialsAsync(Func<DeviceCredentials, DeviceCredentials> update, CancellationToken cancellationToken)
    {
        await _credentialsGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var current = Credentials ?? throw new WaClientException("The credentials were wiped.");
            var next = update(current);
            await _store.SaveCredentialsAsync(next, cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _credentials, next);
            return next;
        }
        finally
        {
            _credentialsGate.Release();
        }
    }

    private async Task WipeCredentialsAsync(CancellationToken cancellationToken)
    {
        await _credentialsGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _store.WipeAsync(cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _credentials, null);
            Log.CredentialsWiped(_logger);
        }
        finally
        {
            _credentialsGate.Release();
        }
    }

    private void Publish(WaEvent wa) => _events.Writer.TryWrite(wa);

    private static string NormalizePhoneNumber(string phoneNumber)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(phoneNumber);
        var digits = phoneNumber.Trim().TrimStart('+');
        if (digits.Length <= 6 || digits[0] == '0' || !digits.All(char.IsAsciiDigit))
        {
            throw new ArgumentException("The phone number must be international digits without a leading 0 (more than 6 digits).", nameof(phoneNumber));
        }
        return digits;
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Created new device credentials (registration id {RegistrationId})")]
        public static partial void CreatedCredentials(ILogger logger, uint registrationId);

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

        [LoggerMessage(7, LogLevel.Warning, "Login failure, reason {Reason}")]
        public static partial void LoginFailure(ILogger logger, string? reason);

        [LoggerMessage(8, LogLevel.Warning, "Stream error {Kind} (code {Code})")]
        public static partial void StreamError(ILogger logger, StreamErrorKind kind, string? code);

        [LoggerMessage(9, LogLevel.Information, "All QR codes expired without a scan")]
        public static partial void QrTimeout(ILogger logger);

        [LoggerMessage(10, LogLevel.Warning, "Rejected pair-success: {Error}")]
        public static partial void PairingRejected(ILogger logger, string error, Exception exception);

        [LoggerMessage(11, LogLevel.Information, "Paired as {Jid} with a {Platform} phone")]
        public static partial void Paired(ILogger logger, string jid, string? platform);

        [LoggerMessage(12, LogLevel.Information, "Logged in as {Jid}")]
        public static partial void LoggedIn(ILogger logger, string jid);

        [LoggerMessage(13, LogLevel.Warning, "Post-login setup failed")]
        public static partial void AfterLoginFailed(ILogger logger, Exception exception);

        [LoggerMessage(14, LogLevel.Information, "Uploaded {Count} prekeys (server had {ServerCount})")]
        public static partial void PreKeysUploaded(ILogger logger, int count, int serverCount);

        [LoggerMessage(15, LogLevel.Information, "Pairing code requested")]
        public static partial void PairingCodeRequested(ILogger logger);

        [LoggerMessage(16, LogLevel.Warning, "Pairing-code notification for another ref ignored")]
        public static partial void PairingCodeRefMismatch(ILogger logger);

        [LoggerMessage(17, LogLevel.Warning, "Pairing-code linking failed")]
        public static partial void PairingCodeFailed(ILogger logger, Exception exception);

        [LoggerMessage(18, LogLevel.Debug, "Offline backlog delivered ({Count} stanzas)")]
        public static partial void OfflineDone(ILogger logger, int count);

        [LoggerMessage(19, LogLevel.Warning, "The account is not multi-device capable (downgrade_webclient)")]
        public static partial void DowngradeWebClient(ILogger logger);

        [LoggerMessage(20, LogLevel.Warning, "Keepalive ping unanswered; silent for {Silence}")]
        public static partial void KeepaliveMissed(ILogger logger, TimeSpan silence);

        [LoggerMessage(21, LogLevel.Warning, "Device credentials wiped")]
        public static partial void CredentialsWiped(ILogger logger);

        [LoggerMessage(22, LogLevel.Warning, "Logout iq failed; wiping locally anyway")]
        public static partial void LogoutIqFailed(ILogger logger, Exception exception);

        [LoggerMessage(23, LogLevel.Warning, "Ignored a malformed <{Tag}> stanza")]
        public static partial void MalformedStanza(ILogger logger, string tag, Exception exception);

        [LoggerMessage(24, LogLevel.Information, "Connecting to tell the server about the logout")]
        public static partial void ConnectingForLogout(ILogger logger);

        [LoggerMessage(25, LogLevel.Warning, "Background work of the ended connection failed")]
        public static partial void BackgroundWorkFailed(ILogger logger, Exception exception);

        [LoggerMessage(26, LogLevel.Warning, "Reconnect declined: another client owns the session; stopping")]
        public static partial void ReconnectDeclined(ILogger logger);

        [LoggerMessage(27, LogLevel.Warning, "Could not confirm the session is still ours; asking again before reconnecting")]
        public static partial void ReconnectCheckFailed(ILogger logger, Exception exception);
    }
}
