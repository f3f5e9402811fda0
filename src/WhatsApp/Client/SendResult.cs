using CodeChat.WhatsApp.Binary;

namespace CodeChat.WhatsApp.Client;

/// <summary>
/// A message the server accepted: its id, the server time from the ack, the devices it was
/// encrypted for (the recipient's and our own other devices, as addressed in <c>&lt;to&gt;</c>), and
/// the ack itself.
/// </summary>
public sealed record SendResult(string MessageId, DateTimeOffset ServerTimestamp, IReadOnlyList<Jid> Devices, Node ServerAck);
