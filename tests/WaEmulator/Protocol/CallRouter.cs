using System.Collections.Concurrent;
using System.Security.Cryptography;
using CodeChat.WaEmulator.Model;
using CodeChat.WhatsApp.Binary;

namespace CodeChat.WaEmulator.Protocol;

/// <summary>
/// Call signalling without media (whatsmeow call.go, types/call.go; Baileys 7 messages-recv.js handleCall,
/// rejectCall): a test places a call with <see cref="PlaceCall"/> — an <c>&lt;call&gt;&lt;offer call-id
/// call-creator&gt;</c> from the caller's phone to every device of the callee, acked by each like any stanza —
/// and a callee's <c>&lt;call&gt;&lt;reject call-id call-creator count="0"/&gt;</c> is recorded, acked
/// (<c>&lt;ack class="call" type="reject"&gt;</c>, which Baileys' rejectCall waits for) and passed on to every
/// device of the caller, whose clients see the call rejected.
/// </summary>
internal sealed class CallRouter(ChatServer server)
{
    private readonly ConcurrentDictionary<string, EmulatedCall> _calls = new(StringComparer.Ordinal);

    public IReadOnlyList<EmulatedCall> Calls => [.. _calls.Values.OrderBy(c => c.PlacedAt)];

    public EmulatedCall PlaceCall(EmulatedAccount caller, EmulatedAccount callee, bool video)
    {
        var callId = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        var call = new EmulatedCall(callId, caller, callee, video, DateTimeOffset.UtcNow);
        _calls[callId] = call;
        var media = new List<Node>
        {
            Stanzas.Make("audio", ("enc", "opus"), ("rate", "16000")),
            Stanzas.Make("audio", ("enc", "opus"), ("rate", "8000")),
        };
        if (video)
        {
            media.Add(Stanzas.Make("video", ("enc", "vp8"), ("dec", "vp8"), ("orientation", "0"), ("screen_width", "1080"), ("screen_height", "1920"), ("device_orientation", "0")));
        }

        media.Add(Stanzas.Make("net", ("medium", "3")));
        media.Add(Stanzas.Make("encopt", ("keygen", "2")));
        var offer = Stanzas.Children(
            "call",
            [("from", caller.PnJid), ("id", server.NextId()), ("t", Stanzas.UnixNow()), ("notify", caller.PushName)],
            [Stanzas.Children("offer", [("call-id", callId), ("call-creator", caller.PnJid), ("caller_pn", caller.PnJid)], media)]);
        foreach (var device in callee.Devices)
        {
            server.Router.Deliver(device, offer);
        }

        return call;
    }

    public void Handle(ChatSession session, Node call)
    {
        var device = session.Device!;
        if (call.GetChild("reject") is { } reject && reject.GetAttribute("call-id") is { } callId)
        {
            session.Send(Stanzas.Make("ack", ("class", "call"), ("id", call.GetAttribute("id")), ("type", "reject"), ("from", call.GetAttribute("to"))));
            if (!_calls.TryGetValue(callId, out var placed) || placed.Callee != device.Account)
            {
                return;
            }

            placed.Reject(device.PnJid, reject.GetAttribute("call-creator"), reject.GetAttribute("count"));
            var told = Stanzas.Children(
                "call",
                [("from", device.Account.PnJid), ("id", server.NextId()), ("t", Stanzas.UnixNow())],
                [Stanzas.Make("reject", ("call-id", callId), ("call-creator", placed.Caller.PnJid), ("count", "0"))]);
            foreach (var callerDevice in placed.Caller.Devices)
            {
                server.Router.Deliver(callerDevice, told);
            }

            return;
        }

        session.Send(Stanzas.Make("ack", ("class", "call"), ("id", call.GetAttribute("id")), ("from", call.GetAttribute("to"))));
    }
}

/// <summary>A call a test placed, and how the callee ended it.</summary>
public sealed class EmulatedCall(string callId, EmulatedAccount caller, EmulatedAccount callee, bool video, DateTimeOffset placedAt)
{
    private volatile string? _rejectedBy;

    public string CallId { get; } = callId;

    public EmulatedAccount Caller { get; } = caller;

    public EmulatedAccount Callee { get; } = callee;

    public bool Video { get; } = video;

    public DateTimeOffset PlacedAt { get; } = placedAt;

    /// <summary>The callee device that rejected the call, or null while nobody did.</summary>
    public string? RejectedBy => _rejectedBy;

    /// <summary>The <c>call-creator</c> the reject named (must be the caller).</summary>
    public string? RejectCreator { get; private set; }

    /// <summary>The reject's <c>count</c> attribute ("0" from whatsmeow and Baileys).</summary>
    public string? RejectCount { get; private set; }

    internal void Reject(string device, string? creator, string? count)
    {
        RejectCreator = creator;
        RejectCount = count;
        _rejectedBy = device;
    }
}
