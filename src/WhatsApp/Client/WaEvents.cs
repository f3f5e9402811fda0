using CodeChat.WhatsApp.Binary;

namespace CodeChat.WhatsApp.Client;

/// <summary>Something a <see cref="WaClient"/> reports; read them from <see cref="WaClient.Events"/>.</summary>
public abstract record WaEvent;

/// <summary>Show this QR text to the user; <paramref name="Count"/> is 1 for the first ref of a connection.</summary>
public sealed record QrCodeEvent(string Code, int Count) : WaEvent;

/// <summary>The user types <paramref name="Code"/> (8 characters, no dash) on the phone to link this device.</summary>
public sealed record PairingCodeEvent(string Code) : WaEvent;

/// <summary>The phone linked this device; a restart (515) and login follow.</summary>
public sealed record PairSuccessEvent(Jid Jid, Jid? Lid, string? Platform, string? BusinessName) : WaEvent;

/// <summary>A pair-success was rejected (bad HMAC or signature); the device stays unpaired.</summary>
public sealed record PairErrorEvent(string Error, string Message) : WaEvent;

/// <summary>
/// The account wants a passkey before it links this device (whatsapp-protocol.md §4.5): a browser on
/// the origin of <see cref="PasskeyRequestOptions.RelyingPartyId"/> must run
/// <c>navigator.credentials.get({publicKey: options})</c>; hand its result to
/// <see cref="WaClient.SendPasskeyAssertionAsync"/>.
/// </summary>
public sealed record PasskeyRequestedEvent(CodeChat.WhatsApp.Pairing.PasskeyRequestOptions Options) : WaEvent;

/// <summary>
/// The phone answered the passkey prologue: <paramref name="Code"/> (8 characters, no dash) is the code the
/// phone shows too. When <paramref name="SkipHandoff"/> is set the handoff proof vouched for this device and
/// the code need not be compared. Finish with <see cref="WaClient.ConfirmPasskeyAsync"/>.
/// </summary>
public sealed record PasskeyConfirmationEvent(string Code, bool SkipHandoff) : WaEvent
{
    /// <summary>The code is shown to users, not logged.</summary>
    public override string ToString() => $"PasskeyConfirmationEvent {{ SkipHandoff = {SkipHandoff} }}";
}

/// <summary>
/// The passkey linking failed: a notification could not be handled (<paramref name="Continuation"/> when it
/// was the phone's continuation), or <paramref name="TimedOut"/> (<see cref="WaClientOptions.PasskeyFlowTimeout"/>).
/// </summary>
public sealed record PasskeyErrorEvent(string Message, bool Continuation, bool TimedOut = false) : WaEvent;

/// <summary>Logged in: messages flow from now on.</summary>
public sealed record ConnectedEvent(Jid Jid, Jid? Lid, string? PushName) : WaEvent;

/// <summary>The connection ended; <paramref name="WillReconnect"/> tells whether the client tries again by itself.</summary>
public sealed record DisconnectedEvent(DisconnectReason Reason, string? Code, bool WillReconnect) : WaEvent;

/// <summary>The device was logged out and its credentials were wiped; pair again to continue.</summary>
public sealed record LoggedOutEvent(string Reason) : WaEvent;

/// <summary>
/// The server refused <paramref name="Rejected"/> as an outdated WhatsApp Web version (405); raised before the
/// matching <see cref="DisconnectedEvent"/>. <paramref name="RetryWith"/> is the version the client tries next,
/// or null when it found none and stops (only one retry per outage, so a stale version never loops).
/// </summary>
public sealed record ClientOutdatedEvent(WhatsAppWebVersion Rejected, WhatsAppWebVersion? RetryWith) : WaEvent;

/// <summary>The server sent a stream error (raised before the matching <see cref="DisconnectedEvent"/>).</summary>
public sealed record StreamErrorEvent(StreamErrorKind Kind, string? Code) : WaEvent;

/// <summary>
/// A contact's presence: <paramref name="Participant"/> is online or offline (then with
/// <paramref name="LastSeen"/> when they share it), or typing / recording / paused in <paramref name="Chat"/>
/// (a group, or the contact's own chat, where <paramref name="Participant"/> equals <paramref name="Chat"/>).
/// </summary>
public sealed record PresenceEvent(Jid Chat, Jid Participant, PresenceState State, DateTimeOffset? LastSeen) : WaEvent;

/// <summary>
/// A group change the server announced (w:gp2 / group picture), raised after
/// <see cref="WaClientOptions.StoreGroupNotificationAsync"/> stored it and before the ack.
/// </summary>
public sealed record GroupNotificationEvent(CodeChat.WhatsApp.Groups.GroupNotification Notification) : WaEvent;

/// <summary>Every incoming stanza, for features layered on the client (messages, receipts, notifications…).</summary>
public sealed record NodeReceivedEvent(Node Node) : WaEvent;
