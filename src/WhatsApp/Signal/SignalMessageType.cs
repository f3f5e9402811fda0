namespace CodeChat.WhatsApp.Signal;

/// <summary>Signal 1:1 ciphertext types (libsignal-node <c>encrypt</c> result <c>type</c>).</summary>
public enum SignalMessageType
{
    /// <summary><c>&lt;enc type="msg"&gt;</c>: a WhisperMessage on an established session.</summary>
    Whisper = 1,

    /// <summary><c>&lt;enc type="pkmsg"&gt;</c>: a PreKeyWhisperMessage, sent until the peer answers.</summary>
    PreKey = 3,
}
