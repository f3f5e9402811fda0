namespace CodeChat.Grains.Abstractions.Media;

/// <summary>
/// The instance's WhatsApp media connection as an upload needs it: the auth token, the hosts in the
/// order to try, and until when it is valid. The token is a credential: never log it.
/// </summary>
[GenerateSerializer, Immutable]
[Alias("CodeChat.MediaUploadAccess")]
public sealed record MediaUploadAccess(
    [property: Id(0)] string Auth,
    [property: Id(1)] IReadOnlyList<string> Hosts,
    [property: Id(2)] TimeSpan Ttl,
    [property: Id(3)] DateTimeOffset FetchedAt)
{
    public override string ToString() => $"media hosts [{string.Join(", ", Hosts)}]";
}

/// <summary>The upload access, or why there is none.</summary>
[GenerateSerializer, Immutable]
[Alias("CodeChat.MediaUploadAccessResult")]
public sealed record MediaUploadAccessResult(
    [property: Id(0)] MediaUploadAccessOutcome Outcome,
    [property: Id(1)] MediaUploadAccess? Access = null);

[GenerateSerializer]
[Alias("CodeChat.MediaUploadAccessOutcome")]
public enum MediaUploadAccessOutcome
{
    Granted = 0,
    NotFound = 1,
    /// <summary>The instance's WhatsApp connection is not open.</summary>
    NotConnected = 2,
    /// <summary>WhatsApp did not answer the media_conn query.</summary>
    Unavailable = 3,
}
