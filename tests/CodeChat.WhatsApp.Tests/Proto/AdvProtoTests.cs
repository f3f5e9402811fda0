using CodeChat.WhatsApp.Proto;
using Google.Protobuf;

namespace CodeChat.WhatsApp.Tests.Proto;

/// <summary>
/// Pairing ADV protobufs (WAAdv). Vectors: vectors.json pair.* (whatsapp-protocol.md §4.3, §12.4).
/// </summary>
public class AdvProtoTests
{
    [Fact]
    public void Hmac_container_unwraps_to_signed_identity_and_device_identity()
    {
        // pair.device_identity_hmac_container -> details = pair.signed_device_identity_from_server, HMAC = pair.hmac
        var container = ADVSignedDeviceIdentityHMAC.Parser.ParseFrom(ProtoVectors.Hex("pair.device_identity_hmac_container"));

        Assert.Equal(ProtoVectors.Hex("pair.signed_device_identity_from_server"), container.Details.ToByteArray());
        Assert.Equal(ProtoVectors.Hex("pair.hmac"), container.HMAC.ToByteArray());
        Assert.False(container.HasAccountType);

        var account = ADVSignedDeviceIdentity.Parser.ParseFrom(container.Details);
        Assert.Equal(ProtoVectors.Hex("pair.adv_device_identity_details"), account.Details.ToByteArray());
        Assert.Equal(ProtoVectors.Hex("key.primary-account.pub"), account.AccountSignatureKey.ToByteArray());
        Assert.Equal(ProtoVectors.Hex("pair.account_signature"), account.AccountSignature.ToByteArray());
        Assert.False(account.HasDeviceSignature);

        var identity = ADVDeviceIdentity.Parser.ParseFrom(account.Details);
        Assert.True(identity.HasRawID);
        Assert.Equal(1700000000ul, identity.Timestamp);
        Assert.Equal(5u, identity.KeyIndex);
        Assert.False(identity.HasAccountType); // absent = E2EE account
        Assert.Equal(ProtoVectors.Hex("pair.adv_device_identity_details"), identity.ToByteArray());
    }

    [Fact]
    public void Reply_identity_without_account_key_matches_the_vector()
    {
        // pair.reply_device_identity_proto = {details, accountSignature, deviceSignature} without accountSignatureKey (§4.3 step 7)
        var reply = new ADVSignedDeviceIdentity
        {
            Details = ByteString.CopyFrom(ProtoVectors.Hex("pair.adv_device_identity_details")),
            AccountSignature = ByteString.CopyFrom(ProtoVectors.Hex("pair.account_signature")),
            DeviceSignature = ByteString.CopyFrom(ProtoVectors.Hex("pair.device_signature_deterministic")),
        };

        Assert.Equal(ProtoVectors.Hex("pair.reply_device_identity_proto"), reply.ToByteArray());
    }

    [Fact]
    public void Key_index_list_uses_packed_valid_indexes_and_round_trips()
    {
        var list = new ADVKeyIndexList
        {
            RawID = 1,
            Timestamp = 2,
            CurrentIndex = 3,
            ValidIndexes = { 4, 5 },
            AccountType = ADVEncryptionType.Hosted,
        };
        var bytes = list.ToByteArray();

        // field 4, wire type 2 (packed): 0x22 len=2 04 05
        Assert.Equal(new byte[] { 0x08, 0x01, 0x10, 0x02, 0x18, 0x03, 0x22, 0x02, 0x04, 0x05, 0x28, 0x01 }, bytes);

        var signed = new ADVSignedKeyIndexList
        {
            Details = ByteString.CopyFrom(bytes),
            AccountSignature = ByteString.CopyFrom(new byte[64]),
            AccountSignatureKey = ByteString.CopyFrom(new byte[32]),
        };
        var parsed = ADVSignedKeyIndexList.Parser.ParseFrom(signed.ToByteArray());
        Assert.Equal(list, ADVKeyIndexList.Parser.ParseFrom(parsed.Details));
        Assert.Equal(32, parsed.AccountSignatureKey.Length);
    }

    [Fact]
    public void Hosted_account_type_is_field_3_value_1()
    {
        var container = new ADVSignedDeviceIdentityHMAC { AccountType = ADVEncryptionType.Hosted };
        Assert.Equal(new byte[] { 0x18, 0x01 }, container.ToByteArray());
    }
}
