namespace CodeChat.WhatsApp.Signal;

/// <summary>One encrypted 1:1 message, ready for an <c>&lt;enc v="2" type="…"&gt;</c> node.</summary>
public sealed record EncryptedSignalMessage(SignalMessageType Type, byte[] Serialized)
{
    /// <summary>The <c>type</c> attribute of the <c>enc</c> node: <c>pkmsg</c> or <c>msg</c>.</summary>
    public string EncType => Type == SignalMessageType.PreKey ? "pkmsg" : "msg";
}
