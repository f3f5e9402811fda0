using CodeChat.WaEmulator.Model;
using CodeChat.WhatsApp.Binary;
using Microsoft.Extensions.Logging;

namespace CodeChat.WaEmulator.Protocol;

/// <summary>
/// Answers client IQs (emulator-notes.md §5, emulator-notes-baileys7.md §1). Anything not understood
/// gets a bare result so feature calls do not hang until their timeout.
/// </summary>
internal sealed class IqHandler(ChatServer server, ILogger logger)
{
    public void Handle(ChatSession session, Node iq)
    {
        var type = iq.GetAttribute("type");
        if (type is "result" or "error")
        {
            if (session.Registration is not null)
            {
                server.Pairing.OnRegistrationResult(session, iq);
            }

            return;
        }

        if (session.Registration is not null && server.Pairing.Passkeys.TryHandle(session, iq))
        {
            return;
        }

        if (session.Registration is not null && iq.GetChild("link_code_companion_reg") is { } linkCode)
        {
            server.Pairing.Codes.Handle(session, iq, linkCode);
            return;
        }

        if (session.Device is not { } device)
        {
            // before login only pair-device/pair-success answers make sense
            session.Send(Stanzas.Error(iq, 401, "not-authorized"));
            return;
        }

        var answer = iq.GetAttribute("xmlns") switch
        {
            "w:p" when type == "get" => server.AnswerKeepalive(iq),
            "encrypt" => Encrypt(device, iq),
            "usync" => server.Router.Usync(iq, device),
            "w:g2" => server.Groups.Handle(session, iq),
            "w:profile:picture" when type == "set" && iq.GetJid("target") is { IsGroup: true } => server.Groups.SetPicture(session, iq),
            "w:profile:picture" => server.Profiles.HandlePicture(device, iq),
            "w:m" when iq.HasChild("media_conn") => server.Media.MediaConnection(iq),
            "abt" => Stanzas.Result(iq, Stanzas.Make("props", ("protocol", "1"), ("hash", "emulator"))),
            "w" when iq.HasChild("props") => Stanzas.Result(iq, Stanzas.Make("props", ("protocol", "2"), ("hash", "emulator"))),
            "w:sync:app:state" when type == "set" => server.AppState.Handle(device, iq),
            "blocklist" => server.Profiles.HandleBlocklist(device, iq),
            "privacy" when type == "get" => Stanzas.Result(iq, Privacy(server.Profiles.PicturePrivacy(device.Account))),
            "privacy" when type == "set" && iq.HasChild("tokens") => server.PrivacyTokens.Issue(session, iq),
            "privacy" when type == "set" => server.Profiles.HandlePrivacySet(device, iq),
            "md" when iq.GetChild("remove-companion-device") is { } remove => RemoveCompanion(session, iq, remove),
            _ => Stanzas.Result(iq),
        };
        session.Send(answer);
    }

    private static Node Privacy(string profile) => Stanzas.Children(
        "privacy",
        [],
        [
            Stanzas.Make("category", ("name", "readreceipts"), ("value", "all")),
            Stanzas.Make("category", ("name", "last"), ("value", "all")),
            Stanzas.Make("category", ("name", "online"), ("value", "all")),
            Stanzas.Make("category", ("name", "profile"), ("value", profile)),
            Stanzas.Make("category", ("name", "status"), ("value", "all")),
            Stanzas.Make("category", ("name", "groupadd"), ("value", "all")),
        ]);

    private Node Encrypt(LinkedDevice device, Node iq)
    {
        if (iq.GetAttribute("type") == "get")
        {
            if (iq.HasChild("count"))
            {
                return Stanzas.Result(iq, Stanzas.Make("count", ("value", device.Keys.OneTimePreKeyCount.ToString(System.Globalization.CultureInfo.InvariantCulture))));
            }

            if (iq.HasChild("digest"))
            {
                // Baileys 7 only checks that the child exists (emulator-notes-baileys7.md row 6)
                return Stanzas.Result(iq, Stanzas.Children("digest", [], KeyMaterial(device.Keys)));
            }

            if (iq.GetChild("key") is { } key)
            {
                return server.Router.PreKeyBundles(iq, key);
            }

            return Stanzas.Result(iq);
        }

        if (iq.GetChild("rotate")?.GetChild("skey") is { } rotated)
        {
            device.Keys.ReplaceSignedPreKey(ReadSignedPreKey(rotated));
            return Stanzas.Result(iq);
        }

        // prekey upload: registration, type, identity, list of keys, skey
        if (iq.GetChild("list") is { } list)
        {
            var registration = iq.GetChild("registration") is { } r ? Stanzas.Content(r) : device.Keys.RegistrationId;
            var identity = iq.GetChild("identity") is { } i ? Stanzas.Content(i) : device.Keys.IdentityPublicKey;
            var signedPreKey = iq.GetChild("skey") is { } skey ? ReadSignedPreKey(skey) : null;
            device.Keys.Update(registration, identity, signedPreKey);
            var keys = list.GetChildren("key")
                .Select(k => new OneTimePreKeyRecord(Stanzas.Content(k.GetRequiredChild("id")), Stanzas.Content(k.GetRequiredChild("value"))))
                .ToList();
            device.Keys.AddOneTimePreKeys(keys);
            logger.LogDebug("{Device} uploaded {Count} prekeys", device.PnJid, keys.Count);
        }

        return Stanzas.Result(iq);
    }

    private Node RemoveCompanion(ChatSession session, Node iq, Node remove)
    {
        if (remove.GetJid("jid") is { } jid && server.Directory.FindUser(jid) is { } account && account == session.Device!.Account)
        {
            if (account.RemoveDevice(jid.Device))
            {
                DeviceListNotifications.AnnounceRemoved(server, account, jid.Device);
            }
        }

        return Stanzas.Result(iq);
    }

    public static SignedPreKeyRecord ReadSignedPreKey(Node skey) => new(
        Stanzas.Content(skey.GetRequiredChild("id")),
        Stanzas.Content(skey.GetRequiredChild("value")),
        Stanzas.Content(skey.GetRequiredChild("signature")));

    /// <summary>registration, type, identity, skey: the shared part of bundles and digests.</summary>
    public static IEnumerable<Node> KeyMaterial(DeviceKeys keys) =>
    [
        Stanzas.Bytes("registration", keys.RegistrationId),
        Stanzas.Bytes("type", new byte[] { 5 }),
        Stanzas.Bytes("identity", keys.IdentityPublicKey),
        Stanzas.Children(
            "skey",
            [],
            [
                Stanzas.Bytes("id", keys.SignedPreKey.Id),
                Stanzas.Bytes("value", keys.SignedPreKey.PublicKey),
                Stanzas.Bytes("signature", keys.SignedPreKey.Signature),
            ]),
    ];
}
