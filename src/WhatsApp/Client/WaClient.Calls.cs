using CodeChat.WhatsApp.Binary;
using Microsoft.Extensions.Logging;

namespace CodeChat.WhatsApp.Client;

// Concern: voice/video call signalling we take part in without media (whatsmeow call.go
// handleCallEvent/RejectCall; Baileys 7 messages-recv.js handleCall/rejectCall):
// - incoming: <call from=<caller device> id t [offline]> with one child naming the step — <offer
//   call-id call-creator [caller_pn] [group-jid]> (a <video/> inside for video calls), <offer_notice>,
//   <accept>, <reject>, <terminate [reason="timeout"]>, and transport steps; every <call> is acked
//   (<ack class="call" id to=from [type]>), after the durable hook stored it, as messages are;
// - rejecting: <call id from=<us> to=<caller>><reject call-id call-creator=<caller> count="0"/></call>.
public sealed partial class WaClient
{
    /// <summary>Refuses the incoming call <paramref name="callId"/> that <paramref name="caller"/> placed.</summary>
    /// <exception cref="WaClientException">Not logged in or not connected.</exception>
    public async Task RejectCallAsync(string callId, Jid caller, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(callId);
        var own = Credentials?.GetJid() ?? throw new WaClientException("Not logged in.");
        var creator = caller.ToNonAd();
        var stanza = new Node("call",
            [new("id", MessageIds.Generate(own, _time.GetUtcNow())), new("from", own.ToNonAd()), new("to", creator)],
            new Node("reject", [new("call-id", callId), new("call-creator", creator), new("count", "0")]));
        await SendNodeAsync(stanza, cancellationToken).ConfigureAwait(false);
    }

    private async Task HandleCallAsync(WaClientSession session, Node node)
    {
        var token = session.Token;
        if (ParseCall(node) is { } call && _options.StoreCallAsync is { } store)
        {
            try
            {
                await store(call, token).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !token.IsCancellationRequested)
            {
                // Unacked: the server offers it again (on the next connection at the latest).
                Log.CallNotStored(_logger, call.Status, exception);
                return;
            }
        }
        if (node.HasAttribute("id"))
        {
            await session.Connection.SendAsync(ClientNodes.Ack(node), token).ConfigureAwait(false);
        }
    }

    /// <summary>The call step a <c>&lt;call&gt;</c> stanza reports, or null for transport steps we do not report.</summary>
    internal static IncomingCall? ParseCall(Node node)
    {
        var step = node.Children.FirstOrDefault();
        if (step is null || !Jid.TryParse(node.GetAttribute("from"), out var from))
        {
            return null;
        }
        CallStatus? status = step.Tag switch
        {
            "offer" or "offer_notice" => CallStatus.Offer,
            "accept" => CallStatus.Accept,
            "reject" => CallStatus.Reject,
            "terminate" when step.GetAttribute("reason") == "timeout" => CallStatus.Timeout,
            "terminate" => CallStatus.Terminate,
            "preaccept" or "transport" => CallStatus.Ringing,
            _ => null,
        };
        var callId = step.GetAttribute("call-id");
        if (status is null || string.IsNullOrEmpty(callId))
        {
            return null;
        }
        var creator = step.GetJid("call-creator") ?? step.GetJid("from") ?? from;
        var group = step.GetJid("group-jid");
        return new IncomingCall(
            callId,
            from,
            creator,
            step.GetJid("caller_pn"),
            status.Value,
            node.GetUnixTime("t") ?? DateTimeOffset.UnixEpoch,
            IsVideo: step.HasChild("video"),
            IsGroup: group is not null || step.GetAttribute("type") == "group",
            Group: group,
            Offline: node.HasAttribute("offline"));
    }

    private static partial class Log
    {
        [LoggerMessage(171, LogLevel.Warning, "A call {Status} could not be stored; left unacked for redelivery")]
        public static partial void CallNotStored(ILogger logger, CallStatus status, Exception exception);
    }
}

/// <summary>The step of a call, as CodeChat's <c>call.upsert</c> names it.</summary>
public enum CallStatus
{
    Offer,
    Ringing,
    Timeout,
    Reject,
    Accept,
    Terminate,
}

/// <summary>
/// A call step addressed to us: <paramref name="Chat"/> is the device that sent the stanza,
/// <paramref name="Caller"/> who placed the call (its phone JID in <paramref name="CallerPhoneNumber"/> when
/// the call is LID-addressed), <paramref name="Group"/> the group of a group call.
/// </summary>
public sealed record IncomingCall(
    string CallId,
    Jid Chat,
    Jid Caller,
    Jid? CallerPhoneNumber,
    CallStatus Status,
    DateTimeOffset Timestamp,
    bool IsVideo,
    bool IsGroup,
    Jid? Group,
    bool Offline);
