namespace CodeChat.WhatsApp.Signal;

/// <summary>
/// One plaintext encrypted for several devices. <see cref="IdentityChanges"/> lists the devices
/// whose new prekey bundle carried an identity other than the stored one.
/// </summary>
public sealed record SignalFanOutResult(
    IReadOnlyDictionary<SignalAddress, EncryptedSignalMessage> Messages,
    IReadOnlyList<SignalAddress> IdentityChanges);
