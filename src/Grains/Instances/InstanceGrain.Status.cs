using CodeChat.Grains.Abstractions.Messages;
using CodeChat.Grains.Messages;
using CodeChat.Grains.Storage;
using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Client;
using CodeChat.WhatsApp.Proto;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using WaMessage = CodeChat.WhatsApp.Proto.Message;

namespace CodeChat.Grains.Instances;

/// <summary>
/// Status posts (a send to <c>status@broadcast</c>): who sees one is the caller's to say, as Baileys'
/// <c>statusJidList</c> and Evolution API's <c>sendStatus</c> have it — <c>options.statusJidList</c>
/// (numbers checked with WhatsApp like any recipient; an unknown one refuses the whole post) or
/// <c>options.allContacts</c> (every stored contact, each a WhatsApp user since we met it on WhatsApp).
/// The audience is stored with the PENDING post in one transaction (<see cref="PostgresStatusAudienceStore"/>),
/// so a post a dropped connection or a restart interrupted goes out again to the same audience, and is
/// forgotten once the post is acked or failed.
/// </summary>
public sealed partial class InstanceGrain
{
    /// <summary>The message says as much to the caller when a pending post has no stored audience (nothing to post it to).</summary>
    internal const string StatusAudienceLost =
        "The status post was interrupted and its audience is not stored; post it again";

    private PostgresStatusAudienceStore StatusAudiences => ServiceProvider.GetRequiredService<PostgresStatusAudienceStore>();

    /// <summary>
    /// <paramref name="whenCreated"/>, then for a status post its <paramref name="audience"/> stored in the
    /// same transaction as the message.
    /// </summary>
    private static Func<NpgsqlConnection, NpgsqlTransaction, StoredMessage, CancellationToken, Task> WithStatusAudience(
        Func<NpgsqlConnection, NpgsqlTransaction, StoredMessage, CancellationToken, Task> whenCreated, IReadOnlyList<Jid>? audience)
    {
        if (audience is null)
            return whenCreated;
        var users = audience.Select(jid => jid.ToString()).ToList();
        return async (connection, transaction, created, cancellationToken) =>
        {
            await whenCreated(connection, transaction, created, cancellationToken);
            await PostgresStatusAudienceStore.AddAsync(connection, transaction, created.Id, users, cancellationToken);
        };
    }

    /// <summary>The stored audience of a pending status post, or null when none is stored.</summary>
    private async Task<IReadOnlyList<Jid>?> FindStatusAudienceAsync(StoredMessage stored)
    {
        var users = await StatusAudiences.FindAsync(stored.Id, CancellationToken.None);
        var audience = users?.Select(user => Jid.TryParse(user, out var jid) ? jid : (Jid?)null).OfType<Jid>().ToList();
        return audience is { Count: > 0 } ? audience : null;
    }

    /// <summary>Forgets a finished post's audience; a failure leaves the row to its message (nothing resends a finished post).</summary>
    private async Task ForgetStatusAudienceAsync(StoredMessage stored)
    {
        try
        {
            await StatusAudiences.DeleteAsync(stored.Id, CancellationToken.None);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            LogStatusAudienceNotForgotten(Name, stored.Key.Id, exception);
        }
    }

    /// <summary>
    /// The users a status post goes to, or the refusal the caller gets (nothing is stored then).
    /// Our own user is left out: the client adds our other devices itself.
    /// </summary>
    private async Task<(IReadOnlyList<Jid>? Audience, SendMessageResult? Refusal)> ResolveStatusAudienceAsync(
        WaClient client, SendOptions options, Jid ownDevice, CancellationToken cancellationToken)
    {
        var ownLid = client.Credentials?.GetLid();
        bool IsOwn(Jid jid) => jid.IsSameUserAs(ownDevice) || (ownLid is { } lid && jid.IsSameUserAs(lid));

        if (options.StatusAllContacts)
        {
            var contacts = await ChatStore.FindContactsAsync(Name, null, cancellationToken);
            var everyone = contacts
                .Select(contact => Jid.TryParse(contact.RemoteJid, out var jid) && (jid.IsUserPn || jid.IsLid) ? jid : (Jid?)null)
                .OfType<Jid>()
                .Where(jid => !IsOwn(jid))
                .Distinct()
                .ToList();
            return everyone.Count > 0
                ? (everyone, null)
                : (null, SendMessageResult.Of(SendOutcome.NoStatusAudience, "No stored contact is a WhatsApp user"));
        }

        var parsed = new List<Jid>();
        foreach (var number in options.StatusJidList)
        {
            if (!RecipientJid.TryParse(number, out var jid) || !(jid.IsUserPn || jid.IsLid))
                return (null, SendMessageResult.Of(SendOutcome.InvalidStatusAudience, $"options.statusJidList: {number} is not a number or user JID"));
            parsed.Add(jid);
        }
        if (parsed.Count == 0)
            return (null, SendMessageResult.Of(SendOutcome.NoStatusAudience, "A status post needs options.statusJidList or options.allContacts"));

        var digits = parsed.Where(jid => jid.IsUserPn).Select(jid => jid.User).Distinct(StringComparer.Ordinal).ToList();
        var answers = await CheckPhoneNumbersAsync(client, digits, cancellationToken, counted: false);
        var audience = new List<Jid>();
        var missing = new List<string>();
        foreach (var jid in parsed)
        {
            if (jid.IsLid)
                audience.Add(jid);
            else if (answers.TryGetValue(jid.User, out var answer) && answer.Exists)
                audience.Add(answer.Jid.ToNonAd());
            else
                missing.Add(jid.ToString());
        }
        if (missing.Count > 0)
            return (null, new SendMessageResult(SendOutcome.StatusAudienceNotOnWhatsApp, NotOnWhatsApp: missing.Distinct(StringComparer.Ordinal).ToList()));
        audience = [.. audience.Where(jid => !IsOwn(jid)).Distinct()];
        return audience.Count > 0
            ? (audience, null)
            : (null, SendMessageResult.Of(SendOutcome.NoStatusAudience, "A status post needs someone besides this instance's own number"));
    }

    /// <summary>A text status's background colour and font (Baileys' backgroundArgb/font of its text status).</summary>
    private static void StyleStatusText(WaMessage message, SendOptions options)
    {
        if (message.ExtendedTextMessage is not { } text)
            return;
        if (options.StatusBackgroundArgb is { } argb)
            text.BackgroundArgb = argb;
        if (options.StatusFont is { } font)
            text.Font = (ExtendedTextMessage.Types.FontType)font;
    }

    /// <summary>A status post a resend finds without a stored audience: ERROR with <c>send.message:ERROR</c>.</summary>
    private async Task FailStatusWithoutAudienceAsync(StoredMessage stored)
    {
        LogStatusAudienceLost(Name, stored.Key.Id, stored.Id);
        await RecordOutcomeAsync(stored, MessageStatus.Error, StatusAudienceLost);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Instance {InstanceName}: pending status post {MessageId} (#{StoredId}) has no stored audience; recorded ERROR")]
    private partial void LogStatusAudienceLost(string instanceName, string messageId, long storedId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Instance {InstanceName}: the audience of the finished status post {MessageId} could not be deleted")]
    private partial void LogStatusAudienceNotForgotten(string instanceName, string messageId, Exception exception);
}
