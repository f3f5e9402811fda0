namespace CodeChat.Grains.Sessions;

/// <summary>
/// A <see cref="CodeChat.WhatsApp.Client.WaEvent"/> reduced to what the instance grain acts on, in a
/// form Orleans can carry from the background pump into a grain turn. Never holds key material.
/// </summary>
[GenerateSerializer]
[Alias("CodeChat.SessionSignal")]
[Immutable]
public sealed record SessionSignal(
    [property: Id(0)] SessionSignalKind Kind,
    [property: Id(1)] string? Text = null,
    [property: Id(2)] int Count = 0,
    [property: Id(3)] string? Jid = null,
    [property: Id(4)] string? Lid = null,
    [property: Id(5)] string? PushName = null,
    [property: Id(6)] CodeChat.WhatsApp.Client.DisconnectReason Reason = default,
    [property: Id(7)] bool WillReconnect = false,
    [property: Id(8)] string? RetryVersion = null,
    [property: Id(9)] bool Flag = false,
    [property: Id(10)] string? Participant = null,
    [property: Id(11)] long? LastSeen = null);

[GenerateSerializer]
[Alias("CodeChat.SessionSignalKind")]
public enum SessionSignalKind
{
    /// <summary><see cref="SessionSignal.Text"/> is the QR string, <see cref="SessionSignal.Count"/> its number.</summary>
    QrCode = 0,
    /// <summary><see cref="SessionSignal.Text"/> is the 8-character code to type on the phone.</summary>
    PairingCode = 1,
    /// <summary>The phone linked the device; <see cref="SessionSignal.Jid"/>/<see cref="SessionSignal.Lid"/> are its JIDs.</summary>
    PairSuccess = 2,
    /// <summary>Logged in.</summary>
    Connected = 3,
    /// <summary>The connection ended: <see cref="SessionSignal.Reason"/>, <see cref="SessionSignal.Text"/> = code.</summary>
    Disconnected = 4,
    /// <summary>The credentials were wiped (device removed, or logout).</summary>
    LoggedOut = 5,
    /// <summary>The first connection attempt failed; <see cref="SessionSignal.Text"/> says why.</summary>
    ConnectFailed = 6,
    /// <summary>The pairing code could not be requested; <see cref="SessionSignal.Text"/> says why.</summary>
    PairingCodeFailed = 7,
    /// <summary>
    /// WhatsApp refused the claimed version (405): <see cref="SessionSignal.Text"/> is that version,
    /// <see cref="SessionSignal.RetryVersion"/> the one tried next, or null when the client stops.
    /// </summary>
    ClientOutdated = 8,
    /// <summary>WhatsApp wants the account's passkey: <see cref="SessionSignal.Text"/> is the WebAuthn request options (JSON).</summary>
    PasskeyRequested = 9,
    /// <summary>The phone continued: <see cref="SessionSignal.Text"/> is the confirmation code, <see cref="SessionSignal.Flag"/> the skip-handoff flag.</summary>
    PasskeyConfirmation = 10,
    /// <summary>The passkey linking failed: <see cref="SessionSignal.Text"/> says why, <see cref="SessionSignal.Flag"/> when it timed out.</summary>
    PasskeyFailed = 11,
    /// <summary>
    /// A contact's presence: <see cref="SessionSignal.Jid"/> is the chat, <see cref="SessionSignal.Participant"/> who,
    /// <see cref="SessionSignal.Text"/> the state (available, unavailable, composing, recording, paused),
    /// <see cref="SessionSignal.LastSeen"/> their last seen (Unix seconds) when shared.
    /// </summary>
    Presence = 12,
}
