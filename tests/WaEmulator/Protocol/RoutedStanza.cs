namespace CodeChat.WaEmulator.Protocol;

/// <summary>Which way a stanza went, seen from the server.</summary>
public enum StanzaDirection
{
    FromClient,
    ToClient,
    Queued,
    Dropped,
}

/// <summary>One journal line: what passed through the emulator, for tests to inspect (no payload bytes).</summary>
public sealed record RoutedStanza(
    DateTimeOffset At,
    StanzaDirection Direction,
    string Device,
    string Tag,
    string? Id,
    string? Type,
    string? From,
    string? To,
    string Summary);
