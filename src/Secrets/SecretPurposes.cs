namespace CodeChat.Secrets;

/// <summary>
/// Data Protection purpose strings, one per kind of secret: a ciphertext of one kind never opens as
/// another. Changing a string makes every stored value of that kind unreadable.
/// </summary>
public static class SecretPurposes
{
    /// <summary>Instance tokens, so the global-key holder can read them back (api-contract.md §6).</summary>
    public const string InstanceToken = "CodeChat.InstanceToken.v1";

    /// <summary>The instance-token signing secret kept in <c>api_settings</c>.</summary>
    public const string InstanceTokenSigningSecret = "CodeChat.InstanceTokenSigningSecret.v1";

    /// <summary>A companion device's credentials document (noise, identity and signed prekey pairs, ADV secret).</summary>
    public const string DeviceCredentials = "CodeChat.DeviceCredentials.v1";

    /// <summary>Private halves of one-time prekeys.</summary>
    public const string DevicePreKey = "CodeChat.DevicePreKey.v1";

    /// <summary>Webhook signing secrets (<c>whsec_…</c>), current and rotated-out.</summary>
    public const string WebhookSigningSecret = "CodeChat.WebhookSigningSecret.v1";

    /// <summary>Signal session records (they hold private ratchet keys).</summary>
    public const string SignalSession = "CodeChat.SignalSession.v1";

    /// <summary>Signal group sender-key records (they hold chain keys and, for our own, the signing private key).</summary>
    public const string SignalSenderKey = "CodeChat.SignalSenderKey.v1";

    /// <summary>App-state sync keys the phone shares (they open every app-state patch of the account).</summary>
    public const string AppStateSyncKey = "CodeChat.AppStateSyncKey.v1";

    /// <summary>The tokens of public media download links (<see cref="PublicMediaLinks"/>).</summary>
    public const string PublicMediaLink = "CodeChat.PublicMediaLink.v1";

    /// <summary>Privacy tokens contacts issued to an instance (they let the holder message that contact).</summary>
    public const string PrivacyToken = "CodeChat.PrivacyToken.v1";
}
