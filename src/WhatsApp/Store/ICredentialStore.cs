namespace CodeChat.WhatsApp.Store;

/// <summary>Persists one instance's <see cref="DeviceCredentials"/>.</summary>
public interface ICredentialStore
{
    /// <summary>The saved credentials, or null when the instance has none (fresh or wiped).</summary>
    ValueTask<DeviceCredentials?> LoadCredentialsAsync(CancellationToken cancellationToken = default);

    /// <summary>Replaces the saved credentials; must be durable when the task completes.</summary>
    ValueTask SaveCredentialsAsync(DeviceCredentials credentials, CancellationToken cancellationToken = default);
}
