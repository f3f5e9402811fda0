using CodeChat.WhatsApp.Binary;

namespace CodeChat.WhatsApp.Client;

// Concern: other accounts' profile pictures and our blocklist.
// Facts (whatsmeow user.go GetProfilePictureInfo, blocklist.go GetBlocklist/UpdateBlocklist; Baileys 7
// Socket/chats.js profilePictureUrl, fetchBlocklist, updateBlockStatus):
// - picture: <iq xmlns="w:profile:picture" type="get" to="s.whatsapp.net" target=<user or group>>
//   <picture type="image|preview" query="url"/></iq> → <picture id url direct_path/>. A picture the
//   owner hides from us answers 401 not-authorized, no picture 404 item-not-found: as an iq error
//   (whatsmeow maps both) or as an <error> inside <picture> (seen by other clients), both handled;
// - blocklist: <iq xmlns="blocklist" type="get"> → <list><item jid/>…</list>; a change is
//   <iq xmlns="blocklist" type="set"><item action="block|unblock" jid/></iq>. Baileys 7 names the LID
//   in jid and the phone JID in pn_jid when blocking; we send the phone JID as jid (whatsmeow) and,
//   when the LID is known, Baileys' form.
public sealed partial class WaClient
{
    /// <summary>
    /// The profile picture of a user or group: its URL on WhatsApp's media host, or why there is none.
    /// <paramref name="preview"/> asks for the small thumbnail instead of the full image.
    /// </summary>
    /// <exception cref="WaClientException">Not connected, or the server refused the query for another reason.</exception>
    public async Task<ProfilePictureResult> GetProfilePictureAsync(Jid target, bool preview, CancellationToken cancellationToken = default)
    {
        var iq = new Node("iq",
            [new("xmlns", "w:profile:picture"), new("type", "get"), new("to", Jid.ServerJid), new("target", target.ToNonAd())],
            new Node("picture", [new("type", preview ? "preview" : "image"), new("query", "url")]));
        Node answer;
        try
        {
            answer = await SendIqAsync(iq, cancellationToken).ConfigureAwait(false);
        }
        catch (WaIqException exception) when (PictureRefusal(exception.Code) is { } refusal)
        {
            return new ProfilePictureResult(refusal);
        }
        var picture = answer.GetChild("picture");
        if (picture?.GetChild("error") is { } error)
        {
            return PictureRefusal(error.GetInt32("code") ?? 0) is { } refusal
                ? new ProfilePictureResult(refusal)
                : throw new WaIqException(error.GetInt32("code") ?? 0, error.GetAttribute("text"));
        }
        return picture?.GetAttribute("url") is { Length: > 0 } url
            ? new ProfilePictureResult(ProfilePictureStatus.Found, url, picture.GetAttribute("id"), picture.GetAttribute("direct_path"))
            : new ProfilePictureResult(ProfilePictureStatus.NotSet);
    }

    private static ProfilePictureStatus? PictureRefusal(int code) => code switch
    {
        401 or 403 => ProfilePictureStatus.Hidden,
        404 => ProfilePictureStatus.NotSet,
        _ => null,
    };

    /// <summary>The JIDs our account blocks, as the server lists them.</summary>
    public async Task<IReadOnlyList<Jid>> GetBlocklistAsync(CancellationToken cancellationToken = default)
    {
        var answer = await SendIqAsync(new Node("iq", [new("xmlns", "blocklist"), new("type", "get"), new("to", Jid.ServerJid)]), cancellationToken)
            .ConfigureAwait(false);
        return answer.GetChild("list")?.GetChildren("item")
            .Select(item => item.GetJid("jid"))
            .Where(jid => jid is not null)
            .Select(jid => jid!.Value)
            .ToList() ?? [];
    }

    /// <summary>Blocks or unblocks <paramref name="user"/> (a phone-number or LID user).</summary>
    public async Task UpdateBlocklistAsync(Jid user, bool block, CancellationToken cancellationToken = default)
    {
        if (!(user.IsUserPn || user.IsLid))
        {
            throw new ArgumentException($"'{user}' is not a phone-number or LID user.", nameof(user));
        }
        user = user.ToNonAd();
        var attributes = new List<NodeAttribute> { new("action", block ? "block" : "unblock") };
        var lid = user.IsLid ? user : await _store.GetLidForPhoneNumberAsync(user, cancellationToken).ConfigureAwait(false);
        var pn = user.IsUserPn ? user : await _store.GetPhoneNumberForLidAsync(user, cancellationToken).ConfigureAwait(false);
        if (lid is { } knownLid && pn is { } knownPn)
        {
            attributes.Add(new("jid", knownLid));
            if (block)
            {
                attributes.Add(new("pn_jid", knownPn));
            }
        }
        else
        {
            attributes.Add(new("jid", user));
        }
        await SendIqAsync(new Node("iq", [new("xmlns", "blocklist"), new("type", "set"), new("to", Jid.ServerJid)],
            new Node("item", NodeAttributes.Create(attributes))), cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>Why a profile picture query found a picture or not.</summary>
public enum ProfilePictureStatus
{
    Found,
    /// <summary>The account or group has no picture (404 item-not-found).</summary>
    NotSet,
    /// <summary>Its owner's privacy settings hide it from us (401 not-authorized).</summary>
    Hidden,
}

/// <summary>A profile picture query's answer: the picture's URL, id and direct path when <see cref="Status"/> is Found.</summary>
public sealed record ProfilePictureResult(ProfilePictureStatus Status, string? Url = null, string? Id = null, string? DirectPath = null);
