using CodeChat.Grains.Abstractions.Instances;
using CodeChat.Grains.Abstractions.Messages;
using CodeChat.Grains.Messages;
using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Client;

namespace CodeChat.Grains.Instances;

/// <summary>
/// Who a send goes to (codechat-api.md §4.3–4.4): the number as a JID (<see cref="RecipientJid"/>),
/// checked with WhatsApp through the instance's <see cref="NumberCheckCache"/> and replaced by the JID
/// WhatsApp answered with (the Brazilian ninth digit), or a group whose metadata must exist. The same
/// cached check answers <c>/chat/whatsappNumbers</c>.
/// </summary>
public sealed partial class InstanceGrain
{
    private NumberCheckCache? _numberChecks;
    private NumberCheckRateLimiter? _numberCheckRate;

    private NumberCheckCache NumberChecks => _numberChecks ??= new NumberCheckCache(
        messaging.Value.NumberCheckCacheSize, messaging.Value.NumberCheckCacheTime, timeProvider);

    private NumberCheckRateLimiter NumberCheckRate => _numberCheckRate ??= new NumberCheckRateLimiter(
        messaging.Value.NumberCheckRateLimit, messaging.Value.NumberCheckRateWindow, timeProvider);

    /// <summary>A checked recipient: the JID to send to and, for a group, its metadata (participants for mentions).</summary>
    private sealed record Recipient(Jid Jid, GroupInfo? Group);

    public async Task<NumberCheckResult> CheckNumbersAsync(IReadOnlyList<string> numbers, CancellationToken cancellationToken = default)
    {
        if (!state.State.Exists)
            return new NumberCheckResult(NumberCheckOutcome.NotFound, []);
        if (OpenClient() is not { } client)
            return new NumberCheckResult(NumberCheckOutcome.NotConnected, []);

        var parsed = numbers.Select(number => (Input: number, Ok: RecipientJid.TryParse(number, out var jid), Jid: jid)).ToList();
        var digits = parsed.Where(p => p.Ok && p.Jid.IsUserPn).Select(p => p.Jid.User).Distinct().ToList();
        var uncached = digits.Count(number => !NumberChecks.TryGet(number, out _));
        if (uncached > 0 && !NumberCheckRate.TryTake(uncached, out var retryAfter))
        {
            LogNumberChecksThrottled(Name, uncached, retryAfter);
            return new NumberCheckResult(NumberCheckOutcome.RateLimited, [], retryAfter);
        }
        var phones = await CheckPhoneNumbersAsync(client, digits, cancellationToken, counted: true);
        var checks = new List<NumberCheck>(parsed.Count);
        foreach (var (input, ok, jid) in parsed)
        {
            if (!ok)
                checks.Add(new NumberCheck(false, input));
            else if (jid.IsGroup)
                checks.Add(await TryGetGroupAsync(client, jid, cancellationToken) is { } group
                    ? new NumberCheck(true, group.Jid.ToString(), Name: group.Subject)
                    : new NumberCheck(false, jid.ToString()));
            else if (jid.IsLid)
                // As CodeChat 1.3: a LID is a WhatsApp account by definition; its phone number is not asked for.
                checks.Add(new NumberCheck(true, "", Lid: jid.ToString()));
            else if (jid.IsUserPn)
                checks.Add(phones.TryGetValue(jid.User, out var answer) && answer.Exists
                    ? new NumberCheck(true, answer.Jid.ToString(), answer.Lid?.ToString())
                    : new NumberCheck(false, jid.ToString()));
            else
                // Broadcast lists and newsletters exist as far as CodeChat is concerned.
                checks.Add(new NumberCheck(true, jid.ToString()));
        }
        return new NumberCheckResult(NumberCheckOutcome.Checked, checks);
    }

    /// <summary>The recipient of a send, or the refusal the caller gets (nothing is stored then).</summary>
    private async Task<(Recipient? Recipient, SendMessageResult? Refusal)> ResolveRecipientAsync(
        WaClient client, string input, CancellationToken cancellationToken)
    {
        if (!RecipientJid.TryParse(input, out var jid))
            return (null, SendMessageResult.Of(SendOutcome.InvalidRecipient, "Invalid format"));
        if (jid.IsGroup)
        {
            return await TryGetGroupAsync(client, jid, cancellationToken) is { } group
                ? (new Recipient(group.Jid, group), null)
                : (null, SendMessageResult.Of(SendOutcome.GroupNotFound));
        }
        if (jid.IsLid)
            return (new Recipient(jid, null), null);
        if (!jid.IsUserPn)
            return (null, SendMessageResult.Of(SendOutcome.InvalidRecipient, $"Sending to {jid.Server} chats is not supported"));

        var answers = await CheckPhoneNumbersAsync(client, [jid.User], cancellationToken, counted: false);
        return answers.TryGetValue(jid.User, out var answer) && answer.Exists
            ? (new Recipient(answer.Jid, null), null)
            : (null, SendMessageResult.Of(SendOutcome.NotOnWhatsApp, jid.ToString()));
    }

    /// <summary>
    /// The answers for <paramref name="digits"/>, from the cache where it has them and from one usync
    /// for the rest. A number WhatsApp left out of its answer is absent (and not cached). Lookups not
    /// <paramref name="counted"/> against the rate limit yet are counted here (never refused).
    /// </summary>
    private async Task<Dictionary<string, OnWhatsAppResult>> CheckPhoneNumbersAsync(
        WaClient client, IReadOnlyList<string> digits, CancellationToken cancellationToken, bool counted)
    {
        var answers = new Dictionary<string, OnWhatsAppResult>(StringComparer.Ordinal);
        var ask = new List<string>();
        foreach (var number in digits)
        {
            if (NumberChecks.TryGet(number, out var cached))
                answers[number] = cached;
            else
                ask.Add(number);
        }
        if (ask.Count == 0)
            return answers;
        if (!counted)
            NumberCheckRate.Take(ask.Count);
        foreach (var result in await client.CheckOnWhatsAppAsync(ask, cancellationToken))
        {
            NumberChecks.Add(result.Query, result);
            answers[result.Query] = result;
        }
        return answers;
    }

    private async Task<GroupInfo?> TryGetGroupAsync(WaClient client, Jid group, CancellationToken cancellationToken)
    {
        try
        {
            return await client.GetGroupAsync(group, cancellationToken);
        }
        catch (WaIqException exception)
        {
            // 404 (no such group) or 403/401 (we are not in it): either way it is not ours to send to.
            LogGroupNotFound(Name, group.ToString(), exception.Code);
            return null;
        }
    }

    /// <summary>The session's client when the instance is open and logged in, else null.</summary>
    private WaClient? OpenClient() =>
        _session is { } session && state.State.ActualConnectionState == InstanceConnectionState.Open && session.Client.IsLoggedIn
            ? session.Client
            : null;

    [Microsoft.Extensions.Logging.LoggerMessage(Level = Microsoft.Extensions.Logging.LogLevel.Warning,
        Message = "Instance {InstanceName}: {Count} number checks refused by the rate limit; next in {RetryAfter}")]
    private partial void LogNumberChecksThrottled(string instanceName, int count, TimeSpan retryAfter);
}
