namespace CodeChat.WhatsApp.Client;

/// <summary>Why a connection ended.</summary>
public enum DisconnectReason
{
    /// <summary>The caller disposed the client or logged out.</summary>
    ClientClosed,

    /// <summary>The socket failed or the handshake did not complete.</summary>
    ConnectionLost,

    /// <summary>Keepalive pings went unanswered for too long.</summary>
    KeepaliveTimeout,

    /// <summary>Stream error 515 after pairing (or later): reconnect at once with the login payload.</summary>
    RestartRequired,

    /// <summary>Another connection with the same credentials took over; reconnecting would ping-pong (pitfall P18).</summary>
    Replaced,

    /// <summary>The account removed this device or the credentials are no longer valid.</summary>
    LoggedOut,

    /// <summary>All QR refs expired without a scan.</summary>
    QrTimeout,

    /// <summary>The server rejected the login with a <c>&lt;failure&gt;</c> that retrying will not fix.</summary>
    LoginFailed,

    /// <summary>
    /// The server refused the login because the claimed WhatsApp Web version is outdated (405). Retrying
    /// only helps with another version (<see cref="WaClientOptions.VersionSource"/>).
    /// </summary>
    ClientOutdated,

    /// <summary>A stream error that is worth retrying.</summary>
    StreamError,

    /// <summary>
    /// <see cref="WaClientOptions.BeforeReconnectAsync"/> declined a reconnect: another client owns
    /// the session now, and reconnecting would take the connection away from it.
    /// </summary>
    Superseded,

    /// <summary>A passkey linking was not finished within <see cref="WaClientOptions.PasskeyFlowTimeout"/>; connect again for a new QR.</summary>
    PasskeyTimeout,
}
