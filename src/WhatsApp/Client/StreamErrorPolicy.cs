using CodeChat.WhatsApp.Binary;

namespace CodeChat.WhatsApp.Client;

/// <summary>What to do after a stream error or a login failure (whatsapp-protocol.md §5.1, §5.7).</summary>
public sealed record StreamErrorDecision(
    StreamErrorKind Kind,
    string? Code,
    DisconnectReason Reason,
    bool Reconnect,
    bool Immediately,
    bool WipeCredentials);

/// <summary>Maps stream errors and <c>&lt;failure&gt;</c> reasons to actions; pure, so it is tested as a table.</summary>
public static class StreamErrorPolicy
{
    /// <summary>Decision for a <c>&lt;stream:error&gt;</c> or <c>xmlstreamend</c> node.</summary>
    public static StreamErrorDecision ForStreamError(Node node)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (node.Tag == "xmlstreamend")
        {
            return new(StreamErrorKind.StreamEnd, null, DisconnectReason.StreamError, Reconnect: true, Immediately: false, WipeCredentials: false);
        }
        var code = node.GetAttribute("code");
        var conflictType = node.GetChild("conflict")?.GetAttribute("type");
        if (code == "515")
        {
            return new(StreamErrorKind.RestartRequired, code, DisconnectReason.RestartRequired, Reconnect: true, Immediately: true, WipeCredentials: false);
        }
        if (code == "401" || conflictType == "device_removed")
        {
            return new(StreamErrorKind.DeviceRemoved, code, DisconnectReason.LoggedOut, Reconnect: false, Immediately: false, WipeCredentials: true);
        }
        if (conflictType == "replaced")
        {
            return new(StreamErrorKind.Replaced, code, DisconnectReason.Replaced, Reconnect: false, Immediately: false, WipeCredentials: false);
        }
        var kind = code == "503" ? StreamErrorKind.ServiceUnavailable
            : node.HasChild("xml-not-well-formed") ? StreamErrorKind.XmlNotWellFormed
            : node.HasChild("ping") ? StreamErrorKind.Ping
            : StreamErrorKind.Unknown;
        return new(kind, code, DisconnectReason.StreamError, Reconnect: true, Immediately: false, WipeCredentials: false);
    }

    /// <summary>Decision for <c>&lt;failure reason="…"&gt;</c> in place of <c>&lt;success&gt;</c>.</summary>
    public static StreamErrorDecision ForLoginFailure(string? reason) => reason switch
    {
        // 401 logged out, 403 main device gone/locked, 406 unknown logout/banned: the session is dead.
        "401" or "403" or "406" => new(StreamErrorKind.DeviceRemoved, reason, DisconnectReason.LoggedOut, Reconnect: false, Immediately: false, WipeCredentials: true),
        // Server-side trouble: retry with back-off.
        "500" or "503" => new(StreamErrorKind.ServiceUnavailable, reason, DisconnectReason.StreamError, Reconnect: true, Immediately: false, WipeCredentials: false),
        // Outdated version: the same payload fails again; the run loop retries only with a newer version.
        "405" => new(StreamErrorKind.ClientOutdated, reason, DisconnectReason.ClientOutdated, Reconnect: false, Immediately: false, WipeCredentials: false),
        // 400 generic, 402 temporary ban, 409 bad user agent…: retrying the same way will not help.
        _ => new(StreamErrorKind.Unknown, reason, DisconnectReason.LoginFailed, Reconnect: false, Immediately: false, WipeCredentials: false),
    };
}
