using CodeChat.WaEmulator.Model;

namespace CodeChat.WaEmulator.Protocol;

/// <summary>The current group description; its id is what the next change must name as prev.</summary>
public sealed record GroupDescription(string Id, string Body, EmulatedAccount Owner, long Time);
