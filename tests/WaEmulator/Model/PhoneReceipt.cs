namespace CodeChat.WaEmulator.Model;

/// <summary>A receipt a companion sent for a message its phone sent it.</summary>
/// <param name="FromDevice">The companion (device JID as it addressed the receipt from).</param>
/// <param name="Id">The phone's message id.</param>
/// <param name="Type">The receipt type: empty for delivered, <c>peer_msg</c>, <c>hist_sync</c>, <c>sender</c>….</param>
public sealed record PhoneReceipt(string FromDevice, string Id, string Type);
