using CodeChat.WaEmulator.Model;
using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Proto;
using Google.Protobuf;
using Microsoft.Extensions.Logging;

namespace CodeChat.WaEmulator.Protocol;

/// <summary>
/// The <c>w:sync:app:state</c> iq (whatsapp-protocol.md §9.2): a companion fetches a collection's
/// patches after its version, or pushes a patch of its own on top of the version it holds; every
/// other device of the account then gets <c>&lt;notification type="server_sync"&gt;</c>. The phone's own
/// changes come in through <see cref="PushFromPhone"/>.
/// </summary>
internal sealed class AppStateService(ChatServer server, ILogger logger)
{
    public Node Handle(LinkedDevice device, Node iq)
    {
        var account = device.Account;
        var collections = iq.GetChild("sync")?.GetChildren("collection").ToList() ?? [];
        var answers = new List<Node>();
        var changed = new List<string>();
        foreach (var collection in collections)
        {
            var name = collection.GetAttribute("name") ?? "";
            var patches = collection.GetChildren("patch").ToList();
            if (patches.Count > 0)
            {
                var baseVersion = collection.GetUInt64("version") ?? 0;
                ulong? version = null;
                foreach (var patch in patches)
                {
                    version = account.AppState.Append(name, baseVersion, SyncdPatch.Parser.ParseFrom(Stanzas.Content(patch)));
                    if (version is null)
                        break;
                    baseVersion = version.Value;
                }
                if (version is null)
                {
                    // WhatsApp answers an outdated base version with a conflict; the client syncs and retries.
                    answers.Add(Stanzas.Children("collection", [("name", name), ("type", "error")], [Stanzas.Make("error", ("code", "409"), ("text", "conflict"))]));
                    continue;
                }
                logger.LogInformation("{Device} pushed {Count} app-state patch(es) to {Collection}, now at version {Version}", device.PnJid, patches.Count, name, version);
                changed.Add(name);
                answers.Add(Stanzas.Make("collection", ("name", name), ("version", version.Value.ToString(System.Globalization.CultureInfo.InvariantCulture))));
                continue;
            }
            answers.Add(Fetch(account, name, collection));
        }
        foreach (var name in changed)
            AnnounceChange(account, name, skip: device);
        return Stanzas.Result(iq, Stanzas.Children("sync", [], answers));
    }

    /// <summary>
    /// A fetch: the patches after the companion's version; with <c>return_snapshot="true"</c> and a
    /// snapshot the phone left, that snapshot as an <c>ExternalBlobReference</c> (Baileys 7 chat-utils
    /// <c>extractSyncdPatches</c>, whatsmeow appstate.go <c>fetchAppStatePatches</c> read it from
    /// <c>&lt;snapshot&gt;</c>) and only the patches after it.
    /// </summary>
    private static Node Fetch(EmulatedAccount account, string name, Node collection)
    {
        var from = collection.GetUInt64("version") ?? 0;
        var children = new List<Node>();
        if (collection.GetAttribute("return_snapshot") == "true" && account.AppState.Snapshot(name) is { } snapshot)
        {
            children.Add(Stanzas.Bytes("snapshot", snapshot.Reference.ToByteArray()));
            from = snapshot.Version;
        }
        children.Add(Stanzas.Children("patches", [], account.AppState.PatchesAfter(name, from).Select(p => Stanzas.Bytes("patch", p))));
        var latest = account.AppState.Version(name);
        return Stanzas.Children("collection",
            [("name", name), ("version", latest.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("has_more_patches", "false")],
            children);
    }

    /// <summary>
    /// The phone left a snapshot of <paramref name="collection"/> at <paramref name="version"/> (its
    /// encrypted blob already on the media host): companions that fetch with a snapshot get it, and
    /// every companion hears that the collection changed.
    /// </summary>
    public void SnapshotFromPhone(EmulatedAccount account, string collection, ulong version, ExternalBlobReference reference)
    {
        account.AppState.SetSnapshot(collection, version, reference);
        AnnounceChange(account, collection, skip: null);
    }

    /// <summary>The phone changed something: its patch (built by the test, e.g. with Baileys) goes on top, and every companion hears of it.</summary>
    public ulong PushFromPhone(EmulatedAccount account, string collection, byte[] patch)
    {
        var version = account.AppState.AppendLatest(collection, patch);
        AnnounceChange(account, collection, skip: null);
        return version;
    }

    private void AnnounceChange(EmulatedAccount account, string collection, LinkedDevice? skip)
    {
        var version = account.AppState.Version(collection).ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var device in account.Devices)
        {
            if (device == skip)
                continue;
            server.Router.Deliver(device, Stanzas.Children(
                "notification",
                [("from", JidServers.User), ("type", "server_sync"), ("id", server.NextId()), ("t", Stanzas.UnixNow())],
                [Stanzas.Make("collection", ("name", collection), ("version", version))]));
        }
    }
}
