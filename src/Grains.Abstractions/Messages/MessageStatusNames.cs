namespace CodeChat.Grains.Abstractions.Messages;

/// <summary>CodeChat's names of the message statuses (codechat-api.md §5 findMessages, the seed's messages.update).</summary>
public static class MessageStatusNames
{
    public static string Of(MessageStatus status) => status switch
    {
        MessageStatus.Error => "ERROR",
        MessageStatus.Pending => "PENDING",
        MessageStatus.ServerAck => "SERVER_ACK",
        MessageStatus.DeliveryAck => "DELIVERY_ACK",
        MessageStatus.Read => "READ",
        MessageStatus.Played => "PLAYED",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Not a message status."),
    };
}
