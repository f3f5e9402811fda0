using CodeChat.Grains.Abstractions.Contacts;
using CodeChat.Grains.Abstractions.Messages;
using CodeChat.Grains.Contacts;
using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Client;
using Microsoft.Extensions.Logging;

namespace CodeChat.Grains.Instances;

/// <summary>
/// <c>/chat</c> routes about other accounts: profile pictures, rejecting calls, asserting Signal sessions and
/// the blocklist. Numbers are resolved like a send's recipient (checked with WhatsApp, cached). Incoming calls
/// arrive through the session's durable call hook and are recorded as <c>call.upsert</c> before they are acked.
/// </summary>
public sealed partial class InstanceGrain : IInstanceContactGrain
{
    public Task<ContactActionResult> FetchProfilePictureAsync(string number, CancellationToken cancellationToken = default) =>
        ContactCallAsync(number, async (client, recipient) =>
        {
            var picture = await client.GetProfilePictureAsync(recipient, preview: false, cancellationToken);
            return new ContactActionResult(ContactActionOutcome.Succeeded, recipient.ToString(), picture.Url, Detail: picture.Status switch
            {
                ProfilePictureStatus.NotSet => "not-set",
                ProfilePictureStatus.Hidden => "hidden",
                _ => null,
            });
        }, cancellationToken);

    public Task<ContactActionResult> UpdateBlockStatusAsync(string number, bool block, CancellationToken cancellationToken = default) =>
        ContactCallAsync(number, async (client, recipient) =>
        {
            if (recipient.IsGroup)
                return new ContactActionResult(ContactActionOutcome.UnknownRecipient, recipient.ToString(), Detail: "A group cannot be blocked");
            await client.UpdateBlocklistAsync(recipient, block, cancellationToken);
            return new ContactActionResult(ContactActionOutcome.Succeeded, recipient.ToString());
        }, cancellationToken);

    public async Task<ContactActionResult> FetchBlocklistAsync(CancellationToken cancellationToken = default)
    {
        if (!state.State.Exists)
            return new ContactActionResult(ContactActionOutcome.InstanceNotFound);
        if (OpenClient() is not { } client)
            return new ContactActionResult(ContactActionOutcome.NotConnected);
        try
        {
            var blocked = await client.GetBlocklistAsync(cancellationToken);
            return new ContactActionResult(ContactActionOutcome.Succeeded, Jids: [.. blocked.Select(jid => jid.ToString())]);
        }
        catch (Exception exception) when (exception is WaClientException or TimeoutException)
        {
            LogContactActionFailed(Name, "fetchBlocklist", exception.Message);
            return new ContactActionResult(ContactActionOutcome.Failed, Detail: exception.Message);
        }
    }

    public async Task<ContactActionResult> RejectCallAsync(string callId, string callFrom, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(callId);
        if (!state.State.Exists)
            return new ContactActionResult(ContactActionOutcome.InstanceNotFound);
        if (OpenClient() is not { } client)
            return new ContactActionResult(ContactActionOutcome.NotConnected);
        // The caller is named as the call stanza named it (a phone JID or a LID); no lookup: it called us.
        if (!RecipientJid.TryParse(callFrom, out var caller) || !(caller.IsUserPn || caller.IsLid))
            return new ContactActionResult(ContactActionOutcome.UnknownRecipient, callFrom, Detail: "callFrom is not a phone number or user JID");
        try
        {
            await client.RejectCallAsync(callId, caller, cancellationToken);
            return new ContactActionResult(ContactActionOutcome.Succeeded, caller.ToString());
        }
        catch (WaClientException exception)
        {
            LogContactActionFailed(Name, "rejectCall", exception.Message);
            return new ContactActionResult(ContactActionOutcome.Failed, caller.ToString(), Detail: exception.Message);
        }
    }

    public async Task<ContactActionResult> AssertSessionsAsync(IReadOnlyList<string> numbers, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(numbers);
        if (!state.State.Exists)
            return new ContactActionResult(ContactActionOutcome.InstanceNotFound);
        if (OpenClient() is not { } client)
            return new ContactActionResult(ContactActionOutcome.NotConnected);
        try
        {
            var users = new List<Jid>(numbers.Count);
            var unknown = new List<string>();
            foreach (var number in numbers)
            {
                var (recipient, refusal) = await ResolveRecipientAsync(client, number, cancellationToken);
                if (recipient is { Jid: { IsGroup: false } jid })
                    users.Add(jid);
                else
                    unknown.Add(refusal?.Detail ?? number);
            }
            if (unknown.Count > 0)
                return new ContactActionResult(ContactActionOutcome.UnknownRecipient, Jids: unknown);
            var established = await client.AssertSessionsAsync(users, cancellationToken);
            return new ContactActionResult(ContactActionOutcome.Succeeded, Jids: [.. users.Select(u => u.ToString())],
                Detail: established.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        catch (Exception exception) when (exception is WaClientException or TimeoutException)
        {
            LogContactActionFailed(Name, "assertSessions", exception.Message);
            return new ContactActionResult(ContactActionOutcome.Failed, Detail: exception.Message);
        }
    }

    /// <summary>The durable call hook of session <paramref name="epoch"/>: the step is recorded as <c>call.upsert</c> before its stanza is acked.</summary>
    public async Task AcceptCallAsync(long epoch, CallEventData call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var session = _session;
        if (session is null || session.Epoch != epoch)
            throw new InvalidOperationException($"Session {epoch} of instance {Name} no longer owns it; the call is left for the owner.");
        using var change = new CancellationTokenSource(ChangeTimeout, timeProvider);
        await AppendAsync(CallEventPayloads.CallUpsert(Name, state.State.Id, state.State.OwnerJid, call), change.Token);
    }

    /// <summary>Runs <paramref name="action"/> with the open client and <paramref name="number"/> resolved like a send's recipient.</summary>
    private async Task<ContactActionResult> ContactCallAsync(
        string number, Func<WaClient, Jid, Task<ContactActionResult>> action, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(number);
        if (!state.State.Exists)
            return new ContactActionResult(ContactActionOutcome.InstanceNotFound);
        if (OpenClient() is not { } client)
            return new ContactActionResult(ContactActionOutcome.NotConnected);
        try
        {
            var (recipient, refusal) = await ResolveRecipientAsync(client, number, cancellationToken);
            if (recipient is null)
                return new ContactActionResult(ContactActionOutcome.UnknownRecipient, refusal?.Detail, Detail: refusal?.Outcome.ToString());
            return await action(client, recipient.Jid);
        }
        catch (Exception exception) when (exception is WaClientException or TimeoutException)
        {
            LogContactActionFailed(Name, "contact action", exception.Message);
            return new ContactActionResult(ContactActionOutcome.Failed, Detail: exception.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Instance {InstanceName}: {Action} failed: {Reason}")]
    private partial void LogContactActionFailed(string instanceName, string action, string reason);
}
