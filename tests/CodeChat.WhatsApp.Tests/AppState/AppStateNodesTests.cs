using CodeChat.WhatsApp.AppState;
using CodeChat.WhatsApp.Binary;

namespace CodeChat.WhatsApp.Tests.AppState;

/// <summary>
/// The fetch iq's collection attributes as the two reference clients send them: from scratch with
/// <c>return_snapshot="true"</c> and no version (whatsmeow appstate.go <c>fetchAppStatePatches</c>), after a
/// version without a snapshot, and a forced snapshot that keeps the version held (Baileys 7 chats.ts
/// <c>resyncAppState</c> after a failed sync).
/// </summary>
public class AppStateNodesTests
{
    [Theory]
    [InlineData(0UL, false, "true", null)]
    [InlineData(7UL, false, "false", "7")]
    [InlineData(7UL, true, "true", "7")]
    public void Fetch_asks_for_a_snapshot_from_scratch_or_when_forced(ulong fromVersion, bool withSnapshot, string returnSnapshot, string? version)
    {
        var iq = AppStateNodes.Fetch("regular_low", fromVersion, withSnapshot);

        Assert.Equal(AppStateNodes.Namespace, iq.GetAttribute("xmlns"));
        var collection = Assert.Single(iq.GetChild("sync")!.GetChildren("collection"));
        Assert.Equal("regular_low", collection.GetAttribute("name"));
        Assert.Equal(returnSnapshot, collection.GetAttribute("return_snapshot"));
        Assert.Equal(version, collection.GetAttribute("version"));
    }
}
