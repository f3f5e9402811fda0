using CodeChat.WhatsApp.Crypto;
using CodeChat.WhatsApp.Proto;
using CodeChat.WhatsApp.Pairing;
using Google.Protobuf;

namespace CodeChat.WhatsApp.ServerSide;

/// <summary>
/// Phone (primary device) side of pairing, for the test emulator and interop tools: signs a companion
/// into the account and checks the companion's pair-device-sign answer (whatsapp-protocol.md §4.3).
/// </summary>
public static class PrimaryDeviceIdentity
{
    /// <summary>
    /// Builds the <c>&lt;device-identity&gt;</c> content of pair-success: the account signs
    /// <paramref name="details"/> and the companion identity, and the whole is HMACed with the adv secret.
    /// </summary>
    public static ADVSignedDeviceIdentityHMAC CreateSignedDeviceIdentity(
        Curve25519KeyPair accountKey,
        ADVDeviceIdentity details,
        Curve25519PublicKey companionIdentity,
        ReadOnlySpan<byte> advSecret,
        ADVEncryptionType accountType = ADVEncryptionType.E2Ee) =>
        CreateSignedDeviceIdentity(accountKey, details, companionIdentity, advSecret, accountType, deterministicSignature: false);

    /// <param name="deterministicSignature">True for known-answer tests: the signature then matches published vectors.</param>
    public static ADVSignedDeviceIdentityHMAC CreateSignedDeviceIdentity(
        Curve25519KeyPair accountKey,
        ADVDeviceIdentity details,
        Curve25519PublicKey companionIdentity,
        ReadOnlySpan<byte> advSecret,
        ADVEncryptionType accountType,
        bool deterministicSignature)
    {
        ArgumentNullException.ThrowIfNull(accountKey);
        ArgumentNullException.ThrowIfNull(details);
        ArgumentNullException.ThrowIfNull(companionIdentity);

        var detailsBytes = details.ToByteArray();
        var message = DeviceIdentitySignatures.AccountSignatureMessage(detailsBytes, companionIdentity, details.DeviceType == ADVEncryptionType.Hosted);
        var signed = new ADVSignedDeviceIdentity
        {
            Details = ByteString.CopyFrom(detailsBytes),
            AccountSignatureKey = ByteString.CopyFrom(accountKey.PublicKey.Raw32.Span),
            AccountSignature = ByteString.CopyFrom(deterministicSignature ? accountKey.SignDeterministic(message) : accountKey.Sign(message)),
        };
        var signedBytes = signed.ToByteArray();
        var container = new ADVSignedDeviceIdentityHMAC
        {
            Details = ByteString.CopyFrom(signedBytes),
            HMAC = ByteString.CopyFrom(MessageAuthentication.HmacSha256(advSecret, DeviceIdentitySignatures.HmacMessage(signedBytes, accountType))),
        };
        if (accountType != ADVEncryptionType.E2Ee)
        {
            container.AccountType = accountType;
        }
        return container;
    }

    /// <summary>
    /// True when the pair-device-sign identity keeps the details and account signature we issued and
    /// carries a valid device signature by the companion's identity key.
    /// </summary>
    public static bool VerifyCompanionReply(
        ADVSignedDeviceIdentity reply,
        ADVSignedDeviceIdentity issued,
        Curve25519PublicKey accountKey,
        Curve25519PublicKey companionIdentity)
    {
        ArgumentNullException.ThrowIfNull(reply);
        ArgumentNullException.ThrowIfNull(issued);
        ArgumentNullException.ThrowIfNull(accountKey);
        ArgumentNullException.ThrowIfNull(companionIdentity);
        if (reply.Details != issued.Details || reply.AccountSignature != issued.AccountSignature)
        {
            return false;
        }
        var message = DeviceIdentitySignatures.DeviceSignatureMessage(reply.Details.Span, companionIdentity, accountKey);
        return companionIdentity.Verify(message, reply.DeviceSignature.Span);
    }
}
