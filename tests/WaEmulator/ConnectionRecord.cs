namespace CodeChat.WaEmulator;

/// <summary>What the emulator saw of one WebSocket connection (for tests and diagnostics).</summary>
public sealed record ConnectionRecord(long Id, DateTimeOffset AcceptedAt, string? Origin, string? RemoteEndpoint);
