using System.Globalization;
using CodeChat.Grains.Abstractions.Instances;
using CodeChat.WhatsApp.Client;

namespace CodeChat.Grains.Sessions;

/// <summary>
/// CodeChat reports connection ends with Baileys' disconnect codes (codechat-api.md §8); this maps
/// our client's reasons onto them.
/// </summary>
public static class ConnectionStatusReasons
{
    public const int Ok = 200;
    /// <summary>Synthetic "not loaded" value CodeChat's state query returns for an instance without a session.</summary>
    public const int NotLoaded = 400;
    public const int LoggedOut = 401;
    public const int Forbidden = 403;
    public const int TimedOut = 408;
    public const int ConnectionClosed = 428;
    /// <summary>WhatsApp refused the claimed WhatsApp Web version as outdated.</summary>
    public const int ClientOutdated = 405;
    public const int Replaced = 440;
    public const int BadSession = 500;
    public const int RestartRequired = 515;

    public static int For(DisconnectReason reason, string? code) => reason switch
    {
        DisconnectReason.ConnectionLost or DisconnectReason.KeepaliveTimeout => TimedOut,
        // Our extension: a passkey linking that ran out of time (the next connect starts with a new QR).
        DisconnectReason.PasskeyTimeout => TimedOut,
        DisconnectReason.RestartRequired => RestartRequired,
        DisconnectReason.Replaced or DisconnectReason.Superseded => Replaced,
        DisconnectReason.LoggedOut => LoggedOut,
        // CodeChat turns an unscanned QR run into "refused" with 428 (QR limit reached).
        DisconnectReason.QrTimeout => ConnectionClosed,
        DisconnectReason.ClientClosed => ConnectionClosed,
        DisconnectReason.LoginFailed or DisconnectReason.StreamError or DisconnectReason.ClientOutdated =>
            int.TryParse(code, NumberStyles.None, CultureInfo.InvariantCulture, out var numeric) && numeric is >= 100 and < 1000 ? numeric : BadSession,
        _ => BadSession,
    };

    /// <summary>The state after a connection ended for good: "refused" for an unscanned QR, else "close".</summary>
    public static InstanceConnectionState StateAfter(DisconnectReason reason) =>
        reason == DisconnectReason.QrTimeout ? InstanceConnectionState.Refused : InstanceConnectionState.Close;
}
