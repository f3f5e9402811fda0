namespace CodeChat.Grains.Abstractions.Messages;

/// <summary>
/// Where a message is on its way, with WhatsApp's numbers (WebMessageInfo.Status, whatsapp-protocol.md
/// §9) and CodeChat's names (ERROR, PENDING, SERVER_ACK, DELIVERY_ACK, READ, PLAYED). A status only
/// moves forward: a late delivery receipt never turns a read message back to delivered.
/// </summary>
public enum MessageStatus : short
{
    Error = 0,
    Pending = 1,
    ServerAck = 2,
    DeliveryAck = 3,
    Read = 4,
    Played = 5,
}
