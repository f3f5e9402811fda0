namespace CodeChat.Grains.Sessions;

/// <summary>
/// How the silo itself (start-up, not a client) wakes an instance so that one wanted connected
/// resumes its session with the stored credentials. Lives beside <see cref="IInstanceSessionInbox"/>:
/// neither belongs to the API's contract.
/// </summary>
[Alias("CodeChat.IInstanceSessionResumer")]
internal interface IInstanceSessionResumer : IGrainWithStringKey
{
    /// <summary>Activates the instance; when it is wanted connected and has no session, starts one.</summary>
    [Alias("EnsureSession")]
    Task EnsureSessionAsync(CancellationToken cancellationToken = default);
}
