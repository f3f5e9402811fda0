using CodeChat.WhatsApp.Proto;

namespace CodeChat.WhatsApp.AppState;

/// <summary>
/// One decrypted and verified mutation: what it changes (<paramref name="Index"/>, the JSON array of
/// the SyncActionData, e.g. <c>["archive","5511…@s.whatsapp.net"]</c>), whether it sets or removes
/// it, and the action's value (null for a REMOVE that carried none).
/// </summary>
public sealed record AppStateMutation(
    SyncdMutation.Types.SyncdOperation Operation,
    IReadOnlyList<string> Index,
    SyncActionValue? Value,
    int ApiVersion,
    byte[] IndexMac,
    byte[] ValueMac)
{
    /// <summary>The first index element: the kind of action (<c>archive</c>, <c>contact</c>, <c>mute</c>, …).</summary>
    public string Action => Index.Count > 0 ? Index[0] : "";
}

/// <summary>An action of ours to encode into a patch.</summary>
public sealed record AppStateAction(
    SyncdMutation.Types.SyncdOperation Operation,
    IReadOnlyList<string> Index,
    SyncActionValue Value,
    int ApiVersion);
