namespace CodeChat.WhatsApp.Binary;

public enum NodeContentKind
{
    /// <summary>No content (also an empty child list: the two are indistinguishable on the wire).</summary>
    None,
    Children,
    /// <summary>Raw bytes (BINARY_8/20/32 in content position; never turned into a string, pitfall P23).</summary>
    Bytes,
    /// <summary>A string written as token or packed nibbles/hex.</summary>
    Text,
    Jid,
}
