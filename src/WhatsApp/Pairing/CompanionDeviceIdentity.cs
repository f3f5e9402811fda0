using CodeChat.WhatsApp.Crypto;
using CodeChat.WhatsApp.Proto;
using Google.Protobuf;

namespace CodeChat.WhatsApp.Pairing;

/// <summary>
/// Companion side of pair-success (whatsapp-protocol.md §4.3 steps 1–5): checks the HMAC with our adv
/// secret and the phone's account signature over our identity key, then adds our device signature.
/// </summary>
public static class CompanionDeviceIdentity
{
    /// <param name="deviceIdentityContainer">Content of <c>&lt;device-identity&gt;</c>: an ADVSignedDeviceIdentityHMAC.</param>
    /// <param name="advSecret">The adv secret from the QR code or the pairing-code derivation.</param>
    /// <param name="identityKey">Our Signal identity key pair.</param>
    /// <exception cref="PairingException">The identity is malformed, the HMAC or the account signature is wrong.</exception>
    public static VerifiedDeviceIdentity Verify(ReadOnlySpan<byte> deviceIdentityContainer, ReadOnlySpan<byte> advSecret, Curve25519KeyPair identityKey) =>
        Verify(deviceIdentityContainer, advSecret, identityKey, deterministicSignature: false);

    /// <summary>Deterministic device signatures reproduce the published vectors; production uses randomized ones.</summary>
    internal static VerifiedDeviceIdentity Verify(ReadOnlySpan<byte> deviceIdentityContainer, ReadOnlySpan<byte> advSecret, Curve25519KeyPair identityKey, bool deterministicSignature)
    {
        ArgumentNullException.ThrowIfNull(identityKey);

        var container = Parse(ADVSignedDeviceIdentityHMAC.Parser, deviceIdentityContainer, "ADVSignedDeviceIdentityHMAC");
        if (!container.HasDetails || !container.HasHMAC)
        {
            throw new PairingException(PairingError.InternalError, "The pair-success identity lacks details or HMAC.");
        }
        var expectedHmac = MessageAuthentication.HmacSha256(
            advSecret,
            DeviceIdentitySignatures.HmacMessage(container.Details.Span, container.AccountType));
        if (!MessageAuthentication.FixedTimeEquals(expectedHmac, container.HMAC.Span))
        {
            throw new PairingException(PairingError.HmacMismatch, "The pair-success identity HMAC does not match our adv secret.");
        }

        var account = Parse(ADVSignedDeviceIdentity.Parser, container.Details.Span, "ADVSignedDeviceIdentity");
        var details = Parse(ADVDeviceIdentity.Parser, account.Details.Span, "ADVDeviceIdentity");
        if (!Curve25519PublicKey.TryFromBytes(account.AccountSignatureKey.Span, out var accountKey))
        {
            throw new PairingException(PairingError.SignatureMismatch, "The account signature key is not a Curve25519 key.");
        }

        var hostedDevice = details.DeviceType == ADVEncryptionType.Hosted;
        var accountMessage = DeviceIdentitySignatures.AccountSignatureMessage(account.Details.Span, identityKey.PublicKey, hostedDevice);
        if (!accountKey.Verify(accountMessage, account.AccountSignature.Span))
        {
            throw new PairingException(PairingError.SignatureMismatch, "The account signature does not cover our identity key.");
        }

        var deviceMessage = DeviceIdentitySignatures.DeviceSignatureMessage(account.Details.Span, identityKey.PublicKey, accountKey);
        var signed = account.Clone();
        signed.DeviceSignature = ByteString.CopyFrom(deterministicSignature ? identityKey.SignDeterministic(deviceMessage) : identityKey.Sign(deviceMessage));
        return new VerifiedDeviceIdentity(signed, details);
    }

    private static T Parse<T>(MessageParser<T> parser, ReadOnlySpan<byte> bytes, string name) where T : IMessage<T>
    {
        try
        {
            return parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException exception)
        {
            throw new PairingException(PairingError.InternalError, $"The pair-success identity is not a valid {name}.", exception);
        }
    }
}
