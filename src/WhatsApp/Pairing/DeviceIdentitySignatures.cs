using CodeChat.WhatsApp.Crypto;
using CodeChat.WhatsApp.Proto;

namespace CodeChat.WhatsApp.Pairing;

/// <summary>
/// The exact byte strings that the ADV HMAC and the account/device signatures cover
/// (whatsapp-protocol.md §4.3; whatsmeow <c>verifyAccountSignature</c>, <c>generateDeviceSignature</c>).
/// Shared by the companion (verify, sign) and the phone side (sign, verify) so both agree by construction.
/// </summary>
public static class DeviceIdentitySignatures
{
    private const byte Version = 0x06;
    private const byte AccountSignatureE2ee = 0x00;
    private const byte DeviceSignature = 0x01;
    private const byte HostedPrefix = 0x05;

    /// <summary>HMAC input: <c>06 05</c> for hosted accounts, then the serialized signed identity.</summary>
    public static byte[] HmacMessage(ReadOnlySpan<byte> signedIdentityDetails, ADVEncryptionType accountType) =>
        accountType == ADVEncryptionType.Hosted
            ? [Version, HostedPrefix, .. signedIdentityDetails]
            : signedIdentityDetails.ToArray();

    /// <summary><c>06 00</c> (or <c>06 05</c> for a hosted device) ‖ device-identity details ‖ companion identity key.</summary>
    public static byte[] AccountSignatureMessage(ReadOnlySpan<byte> deviceIdentityDetails, Curve25519PublicKey companionIdentity, bool hostedDevice)
    {
        ArgumentNullException.ThrowIfNull(companionIdentity);
        return [Version, hostedDevice ? HostedPrefix : AccountSignatureE2ee, .. deviceIdentityDetails, .. companionIdentity.Raw32.Span];
    }

    /// <summary><c>06 01</c> ‖ device-identity details ‖ companion identity key ‖ account signature key.</summary>
    public static byte[] DeviceSignatureMessage(ReadOnlySpan<byte> deviceIdentityDetails, Curve25519PublicKey companionIdentity, Curve25519PublicKey accountSignatureKey)
    {
        ArgumentNullException.ThrowIfNull(companionIdentity);
        ArgumentNullException.ThrowIfNull(accountSignatureKey);
        return [Version, DeviceSignature, .. deviceIdentityDetails, .. companionIdentity.Raw32.Span, .. accountSignatureKey.Raw32.Span];
    }
}
