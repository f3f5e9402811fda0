namespace CodeChat.Grains.Abstractions.Messages;

/// <summary>Which status changes a stored message accepts.</summary>
public static class MessageStatusTransition
{
    /// <summary>
    /// True when <paramref name="next"/> replaces <paramref name="current"/>. Receipts arrive out of
    /// order and repeated, so a status only moves forward; PENDING is only ever the first status;
    /// ERROR only ends a send that was not delivered yet; and a receipt after an ERROR wins, since
    /// the message did arrive after all.
    /// </summary>
    public static bool Advances(MessageStatus current, MessageStatus next) => next switch
    {
        MessageStatus.Pending => false,
        MessageStatus.Error => current is MessageStatus.Pending or MessageStatus.ServerAck,
        _ => current == MessageStatus.Error || next > current,
    };
}
