using CodeChat.WhatsApp.Client;

namespace CodeChat.Grains.Contacts;

/// <summary>An <see cref="IncomingCall"/> in a form Orleans carries from the session's hook into a grain turn.</summary>
[GenerateSerializer, Immutable]
[Alias("CodeChat.CallEventData")]
public sealed record CallEventData(
    [property: Id(0)] string CallId,
    [property: Id(1)] string ChatId,
    [property: Id(2)] string From,
    [property: Id(3)] string? CallerPn,
    [property: Id(4)] string Status,
    [property: Id(5)] DateTimeOffset Date,
    [property: Id(6)] bool IsVideo,
    [property: Id(7)] bool IsGroup,
    [property: Id(8)] string? GroupJid,
    [property: Id(9)] bool Offline)
{
    public static CallEventData Of(IncomingCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        return new CallEventData(
            call.CallId,
            call.Chat.ToString(),
            call.Caller.ToString(),
            call.CallerPhoneNumber?.ToString(),
            call.Status.ToString().ToLowerInvariant(),
            call.Timestamp,
            call.IsVideo,
            call.IsGroup,
            call.Group?.ToString(),
            call.Offline);
    }
}
