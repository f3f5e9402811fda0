namespace CodeChat.WhatsApp.Client;

/// <summary>Classification of <c>&lt;stream:error&gt;</c> (whatsapp-protocol.md §5.7).</summary>
public enum StreamErrorKind
{
    /// <summary>code 515: restart required.</summary>
    RestartRequired,

    /// <summary>code 401 or <c>&lt;conflict type="device_removed"/&gt;</c>: logged out from the phone.</summary>
    DeviceRemoved,

    /// <summary><c>&lt;conflict type="replaced"/&gt;</c>: another connection took over.</summary>
    Replaced,

    /// <summary>code 503: server going away.</summary>
    ServiceUnavailable,

    /// <summary><c>&lt;xml-not-well-formed/&gt;</c>: we sent something malformed.</summary>
    XmlNotWellFormed,

    /// <summary><c>&lt;ping/&gt;</c> child seen right after QR login (pitfall P27): transient.</summary>
    Ping,

    /// <summary>The server ended the stream (<c>xmlstreamend</c>).</summary>
    StreamEnd,

    /// <summary><c>&lt;failure reason="405"/&gt;</c>: the claimed WhatsApp Web version is too old.</summary>
    ClientOutdated,

    Unknown,
}
