namespace CodeChat.Grains.Abstractions.Events;

/// <summary>Webhook event names exactly as the seed spells them (api-contract.md §3).</summary>
public static class InstanceEventNames
{
    public const string ConnectionUpdate = "connection.update";
    public const string QrCodeUpdated = "qrcode.updated";
    public const string NewMessage = "new.message";
    public const string MessagesUpdate = "messages.update";
    public const string StatusBroadcast = "status.broadcast";
    public const string ChatsUpsert = "chats.upsert";
    public const string ChatsUpdate = "chats.update";
    public const string ContactsUpsert = "contacts.upsert";
    public const string ContactsUpdate = "contacts.update";
    public const string PresenceUpdate = "presence.update";
    public const string RequestPayment = "request.payment";
    public const string DeclinePayment = "decline.payment";
    public const string CancelPayment = "cancel.payment";
    public const string SendPayment = "send.payment";
    public const string GeneralError = "general.error";
    public const string GroupUpsert = "group.upsert";
    public const string GroupUpdate = "group.update";
    public const string GroupParticipantUpdate = "group:participant.update";
    /// <summary>A call step addressed to us (offer, reject, end), CodeChat 1.3's event (the seed has none).</summary>
    public const string CallUpsert = "call.upsert";

    /// <summary>A send that failed after it was accepted (v3 posts the status as the event's suffix).</summary>
    public const string SendMessageError = "send.message:ERROR";
    /// <summary>A long media send started, is under way (0–100 %), or ended (api-contract.md §6).</summary>
    public const string SendMessageStart = "send.message:START";
    public const string SendMessageProcessing = "send.message:PROCESSING";
    public const string SendMessageCompleted = "send.message:COMPLETED";

    /// <summary>A mailing (send queue) was paused, resumed or deleted by its caller.</summary>
    public const string PausedQueue = "paused.queue";
    public const string ResumedQueue = "resumed.queue";
    public const string DeletedQueue = "deleted.queue";

    // Our extension (issue 15), named in the seed's style: passkey-required linking.
    public const string PasskeyRequest = "passkey.request";
    public const string PasskeyConfirmation = "passkey.confirmation";
    public const string PasskeyError = "passkey.error";

    /// <summary>
    /// Events whose stored payload holds a code that must not stay (the QR and pairing codes, the passkey
    /// confirmation code): redacted once delivered (QrCodeRedactor).
    /// </summary>
    public static bool CarriesCodes(string eventName) => eventName is QrCodeUpdated or PasskeyConfirmation;
}
