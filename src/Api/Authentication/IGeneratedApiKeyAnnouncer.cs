namespace CodeChat.Api.Authentication;

/// <summary>
/// Shows a freshly generated global API key to the operator, exactly once. It is not logged:
/// the key exists nowhere else (only its hash is stored).
/// </summary>
public interface IGeneratedApiKeyAnnouncer
{
    void Announce(string globalApiKey);
}
