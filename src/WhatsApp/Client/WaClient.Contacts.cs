using CodeChat.WhatsApp.Binary;

namespace CodeChat.WhatsApp.Client;

// Concern: asking WhatsApp which phone numbers have accounts (UsyncContacts; whatsmeow user.go
// IsOnWhatsApp, Baileys 7 onWhatsApp), learning their LIDs on the way.
public sealed partial class WaClient
{
    /// <summary>
    /// Whether each number (international digits, <see cref="PhoneNumber"/>) has a WhatsApp account,
    /// with the JID WhatsApp names it by (which settles the Brazilian ninth digit) and its LID.
    /// Numbers the server does not answer for are left out.
    /// </summary>
    /// <exception cref="WaClientException">Not connected, or the connection dropped.</exception>
    /// <exception cref="TimeoutException">No answer within <see cref="WaClientOptions.IqTimeout"/>.</exception>
    public async Task<IReadOnlyList<OnWhatsAppResult>> CheckOnWhatsAppAsync(IReadOnlyCollection<string> phoneDigits, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(phoneDigits);
        if (phoneDigits.Count == 0)
        {
            return [];
        }
        var response = await SendIqAsync(UsyncContacts.Query(phoneDigits, _iq.NextId()), cancellationToken).ConfigureAwait(false);
        var results = UsyncContacts.Parse(response);
        foreach (var result in results)
        {
            if (result.Exists && result.Lid is { } lid)
            {
                await LearnLidMappingAsync(lid, result.Jid, cancellationToken).ConfigureAwait(false);
            }
        }
        return results;
    }
}
