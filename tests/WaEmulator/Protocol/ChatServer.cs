using System.Collections.Concurrent;
using CodeChat.WaEmulator.Model;
using CodeChat.WhatsApp.Binary;
using Microsoft.Extensions.Logging;

namespace CodeChat.WaEmulator.Protocol;

/// <summary>
/// The server state shared by all sessions: accounts, who is online, pairing, routing, groups and the
/// journal. Top-level stanzas are dispatched here.
/// </summary>
internal sealed class ChatServer
{
    private const int JournalCapacity = 20_000;
    private readonly ConcurrentDictionary<string, ChatSession> _online = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<RoutedStanza> _journal = new();
    private readonly ILogger _logger;
    private long _nextId;
    private long _logins;
    private long _replacedLogins;
    private long _keepalivePings;

    public ChatServer(WaEmulatorOptions options, ILogger logger)
    {
        _logger = logger;
        Options = options;
        Pairing = new PairingService(this, logger);
        Router = new MessageRouter(this, logger);
        Statuses = new StatusPosts(this);
        Groups = new GroupRegistry(this);
        Iqs = new IqHandler(this, logger);
        Presence = new PresenceRouter(this);
        AppState = new AppStateService(this, logger);
        PrivacyTokens = new PrivacyTokenRegistry(this);
        Media = new Media.MediaHost(logger);
        Versions = new ClientVersionGate(options);
        Profiles = new ProfileService(this);
        Calls = new CallRouter(this);
        PhoneMessages = new PhoneMessages(this, logger);
    }

    public ProfileService Profiles { get; }

    public CallRouter Calls { get; }

    /// <summary>Phones sending to their own companions, and the receipts those answer with.</summary>
    public PhoneMessages PhoneMessages { get; }

    public ClientVersionGate Versions { get; }

    public PresenceRouter Presence { get; }

    public AppStateService AppState { get; }
    public PrivacyTokenRegistry PrivacyTokens { get; }

    public Media.MediaHost Media { get; }

    public WaEmulatorOptions Options { get; }

    public AccountDirectory Directory { get; } = new();

    public PairingService Pairing { get; }

    public MessageRouter Router { get; }

    public StatusPosts Statuses { get; }

    public GroupRegistry Groups { get; }

    public IqHandler Iqs { get; }

    public IReadOnlyList<RoutedStanza> JournalEntries => [.. _journal];

    public string NextId() => "emu-" + Interlocked.Increment(ref _nextId).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public ChatSession? FindOnline(LinkedDevice device) => _online.GetValueOrDefault(device.PnJid);

    public IEnumerable<ChatSession> OnlineSessions => _online.Values;

    /// <summary>Devices with a live, logged-in connection.</summary>
    public int OnlineCount => _online.Count;

    /// <summary>Successful logins since start (a pairing's 515 restart and every reconnect count).</summary>
    public long Logins => Interlocked.Read(ref _logins);

    /// <summary>Logins that replaced a live connection of the same device (two sessions with one set of creds).</summary>
    public long ReplacedLogins => Interlocked.Read(ref _replacedLogins);

    /// <summary>Keepalive pings (<c>iq xmlns="w:p" type="get"</c>) answered since start, from every client.</summary>
    public long KeepalivePings => Interlocked.Read(ref _keepalivePings);

    /// <summary>Answers a client's keepalive ping as the server does: an empty result.</summary>
    public Node AnswerKeepalive(Node ping)
    {
        Interlocked.Increment(ref _keepalivePings);
        return Stanzas.Result(ping);
    }

    public void Attach(ChatSession session)
    {
        var key = session.Device!.PnJid;
        // A second login with the same creds replaces the first, as on the real server.
        Interlocked.Increment(ref _logins);
        if (_online.TryGetValue(key, out var previous) && previous != session)
        {
            Interlocked.Increment(ref _replacedLogins);
            previous.Send(Stanzas.Children("stream:error", [], [Stanzas.Make("conflict", ("type", "replaced"))]));
            previous.CloseAfterPendingSends();
        }

        _online[key] = session;
    }

    public void Detach(ChatSession session)
    {
        if (session.Device is { } device)
        {
            _online.TryRemove(new KeyValuePair<string, ChatSession>(device.PnJid, session));
            Router.Requeue(session, device);
        }

        Pairing.Forget(session);
    }

    public void Handle(ChatSession session, Node node)
    {
        switch (node.Tag)
        {
            case "iq":
                Iqs.Handle(session, node);
                break;
            case "message" when session.Device is not null:
                Router.RouteMessage(session, node);
                break;
            case "receipt" when session.Device is not null && PhoneMessages.TryTakeReceipt(session, node):
                break;
            case "receipt" when session.Device is not null:
                Router.RouteReceipt(session, node);
                break;
            case "ack" when session.Device is not null:
                Router.Acknowledge(session, node.GetAttribute("class") ?? "", node.GetAttribute("id"));
                break;
            case "call" when session.Device is not null:
                Calls.Handle(session, node);
                break;
            case "chatstate" when session.Device is not null:
                Presence.RouteChatstate(session, node);
                break;
            case "presence" when session.Device is not null:
                Presence.RoutePresence(session, node);
                break;
            case "ack" or "presence" or "ib" or "chatstate" or "notification":
                // telemetry (unified_session, …) or stanzas of a client that has not logged in
                break;
            default:
                _logger.LogDebug("{Session}: ignoring <{Tag}>", session.Label, node.Tag);
                break;
        }
    }

    public void Journal(StanzaDirection direction, string device, Node node)
    {
        _journal.Enqueue(new RoutedStanza(
            DateTimeOffset.UtcNow,
            direction,
            device,
            node.Tag,
            node.GetAttribute("id"),
            node.GetAttribute("type"),
            node.GetAttribute("from"),
            node.GetAttribute("to"),
            Summarise(node)));
        while (_journal.Count > JournalCapacity && _journal.TryDequeue(out _))
        {
        }
    }

    private static string Summarise(Node node)
    {
        var text = node.ToXml(indented: false);
        return text.Length <= 300 ? text : text[..300] + "…";
    }
}
