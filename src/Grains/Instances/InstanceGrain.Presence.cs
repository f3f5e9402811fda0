using CodeChat.Grains.Abstractions.Chats;
using CodeChat.Grains.Chats;
using CodeChat.WhatsApp.Client;
using Microsoft.Extensions.Logging;

namespace CodeChat.Grains.Instances;

/// <summary>
/// <c>/chat/updatePresence</c>: our presence towards one chat, and a subscription to that person's, as
/// CodeChat 1.3 does (presenceSubscribe, then sendPresenceUpdate). Contacts' presence comes back through
/// the session as <c>presence.update</c> events (InstanceGrain.Inbox.cs).
/// </summary>
public sealed partial class InstanceGrain
{
    public async Task<UpdatePresenceResult> UpdatePresenceAsync(string number, string presence, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(number);
        if (!PresenceNames.TryParse(presence, out var wanted))
            throw new ArgumentException($"'{presence}' is not a presence.", nameof(presence));
        if (!state.State.Exists)
            return new UpdatePresenceResult(UpdatePresenceOutcome.InstanceNotFound);
        if (OpenClient() is not { } client)
            return new UpdatePresenceResult(UpdatePresenceOutcome.NotConnected);
        var (recipient, refusal) = await ResolveRecipientAsync(client, number, cancellationToken);
        if (recipient is null)
            return new UpdatePresenceResult(UpdatePresenceOutcome.UnknownRecipient, Error: refusal?.Detail ?? refusal?.Outcome.ToString());

        var jid = recipient.Jid;
        try
        {
            // A group has no presence of its own; its members' typing reaches us anyway.
            if (!jid.IsGroup)
                await client.SubscribePresenceAsync(jid, cancellationToken);
            switch (wanted)
            {
                case PresenceState.Available or PresenceState.Unavailable:
                    await client.SendPresenceAsync(wanted == PresenceState.Available, cancellationToken);
                    break;
                case PresenceState.Composing:
                    await client.SendChatPresenceAsync(jid, ChatPresence.Composing, cancellationToken);
                    break;
                case PresenceState.Recording:
                    await client.SendChatPresenceAsync(jid, ChatPresence.Recording, cancellationToken);
                    break;
                default:
                    await client.SendChatPresenceAsync(jid, ChatPresence.Paused, cancellationToken);
                    break;
            }
        }
        catch (WaClientException exception)
        {
            LogPresenceFailed(Name, presence, exception.Message);
            return new UpdatePresenceResult(UpdatePresenceOutcome.Failed, jid.ToString(), exception.Message);
        }
        return new UpdatePresenceResult(UpdatePresenceOutcome.Sent, jid.ToString());
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Instance {InstanceName}: presence {Presence} not sent: {Reason}")]
    private partial void LogPresenceFailed(string instanceName, string presence, string reason);
}
