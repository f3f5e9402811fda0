namespace CodeChat.Grains.Abstractions.Events;

/// <summary>Webhook event names exactly as the seed spells them (api-contract.md §3).</summary>
public static class InstanceEventNames
{
    public const string ConnectionUpdate = "connection.update";
    public const string QrCodeUpdated = "qrcode.updated";
    public const string NewMessage = "new.message";
}
