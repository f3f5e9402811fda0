namespace CodeChat.WhatsApp.AppState;

/// <summary>A patch or snapshot failed a MAC or LT-hash check, or could not be decrypted: nothing of it may be applied.</summary>
public sealed class AppStateIntegrityException(string collection, ulong version, string reason)
    : Exception($"App-state collection {collection} version {version}: {reason}")
{
    public string Collection { get; } = collection;
    public ulong Version { get; } = version;
    public string Reason { get; } = reason;
}

/// <summary>A patch or snapshot names an app-state sync key we do not hold; the phone must share it first.</summary>
public sealed class AppStateKeyMissingException(string collection, IReadOnlyList<byte[]> keyIds)
    : Exception($"App-state collection {collection} needs {keyIds.Count} key(s) we do not hold")
{
    public string Collection { get; } = collection;
    public IReadOnlyList<byte[]> KeyIds { get; } = keyIds;
}
