using System.Collections.Concurrent;
using CodeChat.WaEmulator.Model;
using CodeChat.WhatsApp.Binary;

namespace CodeChat.WaEmulator.Protocol;

/// <summary>
/// Profile pictures, the profile-picture privacy setting and blocklists (whatsmeow user.go
/// GetProfilePictureInfo, blocklist.go; Baileys 7 Socket/chats.js updateProfilePicture, profilePictureUrl,
/// updateProfilePicturePrivacy, fetchBlocklist, updateBlockStatus):
/// <list type="bullet">
/// <item><c>w:profile:picture</c> set (no <c>target</c>: our own; a group <c>target</c> goes through
/// <see cref="GroupAdministration.SetPicture"/>) stores the JPEG and serves it from the media host;
/// without a <c>&lt;picture&gt;</c> it removes ours;</item>
/// <item>get with a <c>target</c> answers <c>&lt;picture id url direct_path type/&gt;</c>, 404 item-not-found
/// when there is none, 401 not-authorized when its owner's <c>profile</c> privacy is <c>none</c> (the
/// emulator has no address books, so <c>contacts</c> shows it like <c>all</c>);</item>
/// <item><c>blocklist</c> get lists <c>&lt;item jid/&gt;</c>; set takes <c>&lt;item action jid [pn_jid]/&gt;</c>
/// with a phone JID or LID. A blocked account's 1:1 messages never reach the blocker (MessageRouter).</item>
/// </list>
/// </summary>
internal sealed class ProfileService(ChatServer server)
{
    private readonly ConcurrentDictionary<string, ProfilePicture> _pictures = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<EmulatedAccount, string> _picturePrivacy = new();
    private readonly ConcurrentDictionary<EmulatedAccount, ConcurrentDictionary<EmulatedAccount, bool>> _blocklists = new();

    /// <summary>The picture a user (by phone JID) or group (by its JID) shows, or null.</summary>
    public ProfilePicture? PictureOf(string jid) => _pictures.GetValueOrDefault(jid);

    public void StorePicture(string jid, string id, byte[] jpeg)
    {
        var (url, directPath) = server.Media.PublishPicture(jpeg);
        _pictures[jid] = new ProfilePicture(id, url, directPath, jpeg);
    }

    public string PicturePrivacy(EmulatedAccount account) => _picturePrivacy.GetValueOrDefault(account, "all");

    public void SetPicturePrivacy(EmulatedAccount account, string value) => _picturePrivacy[account] = value;

    public bool Blocks(EmulatedAccount blocker, EmulatedAccount sender) =>
        _blocklists.TryGetValue(blocker, out var blocked) && blocked.ContainsKey(sender);

    public IReadOnlyList<EmulatedAccount> BlockedBy(EmulatedAccount blocker) =>
        _blocklists.TryGetValue(blocker, out var blocked) ? [.. blocked.Keys.OrderBy(a => a.Phone, StringComparer.Ordinal)] : [];

    public Node HandlePicture(LinkedDevice device, Node iq)
    {
        var owner = device.Account;
        if (iq.GetAttribute("type") == "set")
        {
            if (iq.GetJid("target") is { } target && server.Directory.FindUser(target) != owner)
            {
                return Stanzas.Error(iq, 401, "not-authorized");
            }

            if (iq.GetChild("picture") is not { } picture)
            {
                _pictures.TryRemove(owner.PnJid, out _);
                return Stanzas.Result(iq);
            }

            if (picture.Bytes is not { Length: > 0 } bytes || picture.GetAttribute("type") != "image")
            {
                return Stanzas.Error(iq, 400, "bad-request");
            }

            var id = server.NextId();
            StorePicture(owner.PnJid, id, bytes.ToArray());
            return Stanzas.Result(iq, Stanzas.Make("picture", ("id", id)));
        }

        if (iq.GetJid("target") is not { } asked)
        {
            return Stanzas.Error(iq, 400, "bad-request");
        }

        string key;
        if (asked.IsGroup)
        {
            key = asked.ToNonAd().ToString();
        }
        else if (server.Directory.FindUser(asked) is { } account)
        {
            if (account != owner && PicturePrivacy(account) == "none")
            {
                return Stanzas.Error(iq, 401, "not-authorized");
            }

            key = account.PnJid;
        }
        else
        {
            return Stanzas.Error(iq, 404, "item-not-found");
        }

        return _pictures.TryGetValue(key, out var found)
            ? Stanzas.Result(iq, Stanzas.Make("picture", ("id", found.Id), ("url", found.Url), ("direct_path", found.DirectPath), ("type", "image")))
            : Stanzas.Error(iq, 404, "item-not-found");
    }

    public Node HandlePrivacySet(LinkedDevice device, Node iq)
    {
        foreach (var category in iq.GetChild("privacy")?.GetChildren("category") ?? [])
        {
            if (category.GetAttribute("name") == "profile" && category.GetAttribute("value") is { } value)
            {
                SetPicturePrivacy(device.Account, value);
            }
        }

        return Stanzas.Result(iq);
    }

    public Node HandleBlocklist(LinkedDevice device, Node iq)
    {
        var blocked = _blocklists.GetOrAdd(device.Account, _ => new ConcurrentDictionary<EmulatedAccount, bool>());
        if (iq.GetAttribute("type") != "set")
        {
            return Stanzas.Result(iq, Stanzas.Children("list", [], BlockedBy(device.Account).Select(a => Stanzas.Make("item", ("jid", a.PnJid)))));
        }

        foreach (var item in iq.GetChildren("item"))
        {
            var target = item.GetJid("pn_jid") ?? item.GetJid("jid");
            if (target is null || server.Directory.FindUser(target.Value) is not { } account)
            {
                return Stanzas.Error(iq, 404, "item-not-found");
            }

            if (item.GetAttribute("action") == "block")
            {
                blocked[account] = true;
            }
            else
            {
                blocked.TryRemove(account, out _);
            }
        }

        return Stanzas.Result(iq);
    }
}

/// <summary>A stored profile or group picture: its id, where the media host serves it, and its JPEG.</summary>
public sealed record ProfilePicture(string Id, string Url, string DirectPath, byte[] Jpeg);
