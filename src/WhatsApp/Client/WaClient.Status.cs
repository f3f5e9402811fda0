using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Proto;
using Microsoft.Extensions.Logging;

namespace CodeChat.WhatsApp.Client;

// Concern: posting a status (whatsmeow send.go sendGroup with to == types.StatusBroadcastJID and
// broadcast.go getBroadcastListParticipants; Baileys 7 messages-send.ts relayMessage with isStatus and
// statusJidList). A status post travels like a group message to status@broadcast: one skmsg under our
// sender key for status@broadcast, and our sender key distribution to every device of the audience and
// to our own other devices (whatsmeow adds our own user to the list, so the phone sees the post) in
// <participants>. The server delivers the skmsg only to the devices listed there. No addressing_mode
// (Baileys sets it for groups only); phash over the listed devices as whatsmeow puts it on every
// group and broadcast send.
public sealed partial class WaClient
{
    /// <summary>
    /// Posts <paramref name="message"/> as our status to <paramref name="audience"/> (phone-number or
    /// LID users; our own other devices get it too) and waits for the server's ack. The sender key under
    /// status@broadcast is created on the first post and reused by later ones.
    /// </summary>
    /// <exception cref="ArgumentException">The audience is empty or names something other than a user.</exception>
    /// <exception cref="WaMessageRejectedException">The server answered with an error ack.</exception>
    /// <exception cref="WaClientException">Not logged in, or the connection dropped.</exception>
    /// <exception cref="TimeoutException">No ack within <see cref="WaClientOptions.MessageAckTimeout"/>.</exception>
    public async Task<SendResult> SendStatusAsync(Message message, IReadOnlyCollection<Jid> audience, string? messageId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(audience);
        if (messageId is { Length: 0 })
        {
            throw new ArgumentException("A message id cannot be empty.", nameof(messageId));
        }
        if (audience.Count == 0)
        {
            throw new ArgumentException("A status post needs at least one recipient.", nameof(audience));
        }
        foreach (var jid in audience)
        {
            if (!(jid.IsUserPn || jid.IsLid))
            {
                throw new ArgumentException($"'{jid}' is not a phone-number or LID user.", nameof(audience));
            }
        }
        var (credentials, ownDevice, account) = SenderCredentials();
        var ownLid = credentials.GetLid();
        var users = StatusParticipants(audience, ownDevice, ownLid);
        await _sendGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var sent = new SentMessage(Jid.StatusBroadcast, messageId ?? MessageIds.Generate(ownDevice, _time.GetUtcNow()), message, users);
            var result = await SendWithSenderKeyAsync(
                sent,
                users.Select(user => new GroupParticipant(user, null, null)).ToList(),
                lidAddressed: false,
                ownDevice,
                ownLid,
                account,
                cancellationToken).ConfigureAwait(false);
            Log.StatusPosted(_logger, sent.Id, users.Count - 1);
            return result;
        }
        catch (WaMessageRejectedException)
        {
            // A stale device list is a usual reason; ask again next time.
            foreach (var user in users)
            {
                _deviceLists.Forget(user);
            }
            throw;
        }
        finally
        {
            _sendGate.Release();
        }
    }

    /// <summary>The audience, each user once, with our own user added (whatsmeow getBroadcastListParticipants).</summary>
    private static List<Jid> StatusParticipants(IReadOnlyCollection<Jid> audience, Jid ownDevice, Jid? ownLid)
    {
        var users = new List<Jid>();
        foreach (var user in audience.Select(jid => jid.ToNonAd()))
        {
            if (!users.Exists(known => known.IsSameUserAs(user)))
            {
                users.Add(user);
            }
        }
        var ownUser = ownDevice.ToNonAd();
        users.RemoveAll(user => user.IsSameUserAs(ownUser) || (ownLid is { } lid && user.IsSameUserAs(lid)));
        users.Add(ownUser);
        return users;
    }

    /// <summary>Whether <paramref name="device"/>'s user is one a status post <paramref name="sent"/> went to (PN or LID).</summary>
    private async Task<bool> IsInStatusAudienceAsync(SentMessage sent, Jid device, CancellationToken cancellationToken)
    {
        foreach (var user in sent.Audience ?? [])
        {
            if (await IsSameContactAsync(device, user, cancellationToken).ConfigureAwait(false))
            {
                return true;
            }
        }
        return false;
    }

    private static partial class Log
    {
        [LoggerMessage(172, LogLevel.Debug, "Posted status {Id} to {UserCount} users")]
        public static partial void StatusPosted(ILogger logger, string id, int userCount);
    }
}
