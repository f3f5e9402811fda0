using CodeChat.WhatsApp.Proto;
using Google.Protobuf;

namespace CodeChat.WhatsApp.Pairing;

/// <summary>
/// A pair-success identity that passed every check and carries our device signature.
/// <see cref="Account"/> (with the account signature key) is what we persist and attach to pkmsg
/// sends; <see cref="CreateReplyIdentity"/> is what goes back in pair-device-sign.
/// </summary>
public sealed class VerifiedDeviceIdentity
{
    internal VerifiedDeviceIdentity(ADVSignedDeviceIdentity account, ADVDeviceIdentity details)
    {
        Account = account;
        Details = details;
    }

    /// <summary>The full signed identity including accountSignatureKey and our deviceSignature.</summary>
    public ADVSignedDeviceIdentity Account { get; }

    /// <summary>The parsed <c>account.details</c>.</summary>
    public ADVDeviceIdentity Details { get; }

    public uint KeyIndex => Details.KeyIndex;

    /// <summary>The primary device's identity key (the account signature key).</summary>
    public byte[] AccountSignatureKey => Account.AccountSignatureKey.ToByteArray();

    /// <summary>The identity for the pair-device-sign reply: the same fields without accountSignatureKey (§4.3 step 7).</summary>
    public ADVSignedDeviceIdentity CreateReplyIdentity()
    {
        var reply = Account.Clone();
        reply.ClearAccountSignatureKey();
        return reply;
    }
}
