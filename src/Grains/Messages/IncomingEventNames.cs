using CodeChat.Grains.Abstractions.Events;

namespace CodeChat.Grains.Messages;

/// <summary>
/// Which event reports a stored incoming message. The seed names events of their own for contacts'
/// status posts and for the four waE2E payment messages; everything else is <c>new.message</c>.
/// A payment or status post is reported by its own event only, not also as <c>new.message</c>, so a
/// consumer subscribed to both never handles it twice.
/// </summary>
public static class IncomingEventNames
{
    public const string StatusBroadcastJid = "status@broadcast";

    public static string For(string remoteJid, string messageType)
    {
        ArgumentNullException.ThrowIfNull(remoteJid);
        if (remoteJid == StatusBroadcastJid)
            return InstanceEventNames.StatusBroadcast;
        return messageType switch
        {
            "requestPaymentMessage" => InstanceEventNames.RequestPayment,
            "declinePaymentRequestMessage" => InstanceEventNames.DeclinePayment,
            "cancelPaymentRequestMessage" => InstanceEventNames.CancelPayment,
            "sendPaymentMessage" => InstanceEventNames.SendPayment,
            _ => InstanceEventNames.NewMessage,
        };
    }
}
