using System.Collections.Concurrent;
using System.Threading.Channels;
using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Pairing;

namespace CodeChat.WhatsApp.Client;

/// <summary>How a connection ended and what the run loop does next.</summary>
internal sealed record SessionEnd(DisconnectReason Reason, string? Code, bool Reconnect, bool Immediately = false, bool WipeCredentials = false, string? LogoutReason = null)
{
    public static SessionEnd From(StreamErrorDecision decision) =>
        new(decision.Reason, decision.Code, decision.Reconnect, decision.Immediately, decision.WipeCredentials,
            decision.WipeCredentials ? $"{decision.Kind} {decision.Code}".Trim() : null);
}

/// <summary>A pairing code waiting for the phone: the code session, the phone JID and the server's ref.</summary>
internal sealed record PendingPairingCode(CompanionPairingCode Code, Jid Phone, string Reference);

/// <summary>
/// A passkey linking waiting for the browser's assertion, then for the phone's continuation, then for
/// the confirmation (whatsapp-protocol.md §4.5). Holds secrets: never log it.
/// </summary>
internal sealed class PendingPasskey(PasskeyRequestOptions options, PasskeyHandoffKey handoff)
{
    public PasskeyRequestOptions Options { get; } = options;

    /// <summary>Null once the prologue went out (used or expired).</summary>
    public PasskeyHandoffKey? Handoff { get; set; } = handoff;

    /// <summary>Set by the first assertion: one assertion per request.</summary>
    public bool AssertionClaimed { get; set; }

    /// <summary>Set just before the prologue goes out.</summary>
    public CompanionPasskeyLink? Link { get; set; }

    /// <summary>True when the prologue carried the handoff proof.</summary>
    public bool SkipHandoff { get; set; }

    /// <summary>Set by the phone's continuation.</summary>
    public PasskeyContinuation? Continuation { get; set; }
}

/// <summary>State of one connection; discarded when it ends.</summary>
internal sealed class WaClientSession : IDisposable
{
    private readonly TaskCompletionSource<SessionEnd> _end = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentBag<Task> _background = [];
    private CancellationTokenSource? _qrLoop;

    public WaClientSession(IWaConnection connection, CancellationToken clientLifetime, DateTimeOffset now)
    {
        Connection = connection;
        Cancellation = CancellationTokenSource.CreateLinkedTokenSource(clientLifetime);
        LastReceived = now;
    }

    public IWaConnection Connection { get; }

    public CancellationTokenSource Cancellation { get; }

    public CancellationToken Token => Cancellation.Token;

    /// <summary>Completed when the server sent pair-device: pairing codes may be requested from then on.</summary>
    public TaskCompletionSource PairDeviceSeen { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Messages and receipts, in arrival order, for the worker that decrypts and confirms them.</summary>
    public Channel<Node> Inbound { get; } = Channel.CreateUnbounded<Node>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

    public PendingPairingCode? PendingPairingCode { get; set; }

    /// <summary>A passkey linking in progress on this connection (whatsapp-protocol.md §4.5), or null.</summary>
    public PendingPasskey? PendingPasskey { get; set; }

    public bool LoggedIn { get; set; }

    public DateTimeOffset LastReceived { get; set; }

    public Task<SessionEnd> Ended => _end.Task;

    /// <summary>Records why the session ends (the first reason wins) and stops it.</summary>
    public void End(SessionEnd end)
    {
        _end.TrySetResult(end);
        try
        {
            Cancellation.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already torn down; the first end was recorded.
        }
    }

    public void Track(Task task) => _background.Add(task);

    public IReadOnlyCollection<Task> BackgroundTasks => _background.ToArray();

    /// <summary>Starts a new QR rotation, cancelling the previous one; returns its token.</summary>
    public CancellationToken RestartQrLoop()
    {
        var next = CancellationTokenSource.CreateLinkedTokenSource(Token);
        Interlocked.Exchange(ref _qrLoop, next)?.Cancel();
        return next.Token;
    }

    public void StopQrLoop() => Interlocked.Exchange(ref _qrLoop, null)?.Cancel();

    public void Dispose()
    {
        _qrLoop?.Dispose();
        Cancellation.Dispose();
    }
}
