namespace CodeChat.WaEmulator;

/// <summary>
/// What a load harness polls (<c>GET /_emulator/stats</c>): accounts, live WebSockets, devices logged
/// in, logins since start, logins that replaced a live connection of the same device (a session
/// running twice on one set of credentials: unfenced) and keepalive pings answered since start.
/// </summary>
public sealed record EmulatorStats(int Accounts, int LiveConnections, int OnlineDevices, long Logins, long ReplacedLogins, long KeepalivePings);
