using CodeChat.WhatsApp.Client;
using CodeChat.WhatsApp.Proto;
using CodeChat.WhatsApp.Tests.Proto;
using Google.Protobuf;

namespace CodeChat.WhatsApp.Tests.Client;

/// <summary>
/// ClientPayload builders against the byte-exact vectors of whatsapp-protocol.md §12.2
/// (vectors.json keys payload.*), which were produced with whatsmeow's defaults.
/// </summary>
public class ClientPayloadFactoryTests
{
    // The options whatsmeow used when the vectors were derived (§12.2: DeviceProps {os="whatsmeow",
    // version {0,1,0}, platformType UNKNOWN, requireFullSync=false, historySyncConfig {storageQuotaMb=10240,
    // inlineInitialPayloadInE2EeMsg=true, supportCallLogHistory=true}}).
    private static readonly ClientPayloadOptions VectorOptions = new()
    {
        Version = WhatsAppWebVersion.Parse("2.3000.1045649367"),
        DeviceName = "whatsmeow",
        DeviceVersion = new WhatsAppWebVersion(0, 1, 0),
        PlatformType = DeviceProps.Types.PlatformType.Unknown,
        RequireFullSync = false,
        HistorySyncConfig = new DeviceProps.Types.HistorySyncConfig
        {
            StorageQuotaMb = 10240,
            InlineInitialPayloadInE2EeMsg = true,
            SupportCallLogHistory = true,
        },
    };

    private static ClientPayloadRegistrationKeys VectorKeys() => new(
        registrationId: (uint)ProtoVectors.Number("payload.registration_id"),
        identityPublicKey: ProtoVectors.Hex("key.identity.pub"),
        signedPreKeyId: 1,
        signedPreKeyPublicKey: ProtoVectors.Hex("key.signed-prekey.pub"),
        signedPreKeySignature: ProtoVectors.Hex("signal.signed_prekey.signature_deterministic"));

    [Fact]
    public void Build_hash_is_md5_of_the_version_string()
    {
        // vectors.json key payload.build_hash_md5(2.3000.1045649367) (§12.2)
        var version = WhatsAppWebVersion.Parse("2.3000.1045649367");

        Assert.Equal(ProtoVectors.Hex("payload.build_hash_md5(2.3000.1045649367)"), version.ComputeBuildHash());
        Assert.Equal("2.3000.1045649367", version.ToString());
    }

    [Fact]
    public void Device_props_match_the_vector()
    {
        // vectors.json key payload.deviceprops_proto (§12.2)
        var props = new ClientPayloadFactory(VectorOptions).CreateDeviceProps();

        Assert.Equal(ProtoVectors.Hex("payload.deviceprops_proto"), props.ToByteArray());
    }

    [Fact]
    public void Registration_payload_matches_the_vector()
    {
        // vectors.json key payload.registration_proto (§12.2: regId 0x12345678, identity, spk id 1,
        // deterministic signature, buildHash, DeviceProps)
        var payload = new ClientPayloadFactory(VectorOptions).CreateRegistrationPayload(VectorKeys());

        Assert.Equal(ProtoVectors.Hex("payload.registration_proto"), payload.ToByteArray());
    }

    [Fact]
    public void Registration_payload_encodes_ids_big_endian_with_fixed_widths()
    {
        // §2.7: eRegid = 4 bytes BE, eKeytype = 05, eSkeyID = 3 bytes BE
        var keys = new ClientPayloadRegistrationKeys(0x0000_3FFF, new byte[32], 0x01_0203, new byte[32], new byte[64]);

        var data = new ClientPayloadFactory(new ClientPayloadOptions()).CreateRegistrationPayload(keys).DevicePairingData;

        Assert.Equal(new byte[] { 0x00, 0x00, 0x3F, 0xFF }, data.ERegid.ToByteArray());
        Assert.Equal(new byte[] { 0x05 }, data.EKeytype.ToByteArray());
        Assert.Equal(new byte[] { 0x01, 0x02, 0x03 }, data.ESkeyID.ToByteArray());
    }

    [Fact]
    public void Login_payload_matches_the_vector()
    {
        // vectors.json key payload.login_proto (§12.2: username 15551234567, device 3, passive/pull/lidDbMigrated=true, lc=1)
        var factory = new ClientPayloadFactory(VectorOptions);

        Assert.Equal(ProtoVectors.Hex("payload.login_proto"), factory.CreateLoginPayload(15551234567, 3).ToByteArray());
        Assert.Equal(ProtoVectors.Hex("payload.login_proto"), factory.CreateLoginPayload("15551234567", 3).ToByteArray());
    }

    [Fact]
    public void Login_payload_carries_no_pairing_data_and_registration_no_username()
    {
        var factory = new ClientPayloadFactory(new ClientPayloadOptions());

        var login = factory.CreateLoginPayload(15551234567, 0);
        var registration = factory.CreateRegistrationPayload(VectorKeys());

        Assert.Null(login.DevicePairingData);
        Assert.True(login.HasDevice); // device 0 (main-device id) must still be sent explicitly
        Assert.False(registration.HasUsername);
        Assert.False(registration.HasDevice);
        Assert.False(registration.Passive);
        Assert.True(registration.HasPull);
    }

    [Fact]
    public void Changing_the_version_changes_app_version_and_build_hash_together()
    {
        // Pitfall P2: after a 405 the version is replaced at runtime; buildHash must follow it.
        var newer = new WhatsAppWebVersion(2, 3000, 1099999999);
        var factory = new ClientPayloadFactory(VectorOptions).WithVersion(newer);

        var registration = factory.CreateRegistrationPayload(VectorKeys());
        var login = factory.CreateLoginPayload(15551234567, 3);

        Assert.Equal(1099999999u, registration.UserAgent.AppVersion.Tertiary);
        Assert.Equal(1099999999u, login.UserAgent.AppVersion.Tertiary);
        Assert.Equal(newer.ComputeBuildHash(), registration.DevicePairingData.BuildHash.ToByteArray());
        Assert.NotEqual(ProtoVectors.Hex("payload.build_hash_md5(2.3000.1045649367)"), registration.DevicePairingData.BuildHash.ToByteArray());
        Assert.Equal(VectorOptions.Version, new ClientPayloadFactory(VectorOptions).Options.Version);
    }

    [Fact]
    public void Default_options_identify_the_gateway_and_advertise_whatsmeow_history_capabilities()
    {
        var factory = new ClientPayloadFactory(new ClientPayloadOptions());

        var props = DeviceProps.Parser.ParseFrom(factory.CreateRegistrationPayload(VectorKeys()).DevicePairingData.DeviceProps);

        Assert.Equal("CodeChat", props.Os);
        Assert.Equal(DeviceProps.Types.PlatformType.Desktop, props.PlatformType);
        Assert.Equal(10240u, props.HistorySyncConfig.StorageQuotaMb);
        Assert.True(props.HistorySyncConfig.InlineInitialPayloadInE2EeMsg);
        Assert.Equal(60u, props.HistorySyncConfig.ThumbnailSyncDaysLimit);
        Assert.Equal(WhatsAppWebVersion.Default.Tertiary, factory.CreateLoginPayload(1, 1).UserAgent.AppVersion.Tertiary);
    }

    [Fact]
    public void Configured_history_sync_config_is_not_shared_with_the_payload()
    {
        var config = new DeviceProps.Types.HistorySyncConfig { StorageQuotaMb = 1 };
        var factory = new ClientPayloadFactory(new ClientPayloadOptions { HistorySyncConfig = config });

        var props = factory.CreateDeviceProps();
        props.HistorySyncConfig.StorageQuotaMb = 2;

        Assert.Equal(1u, config.StorageQuotaMb);
        Assert.Equal(1u, factory.CreateDeviceProps().HistorySyncConfig.StorageQuotaMb);
    }

    [Theory]
    [InlineData(31, 32, 64, "identityPublicKey")]
    [InlineData(33, 32, 64, "identityPublicKey")]
    [InlineData(32, 33, 64, "signedPreKeyPublicKey")]
    [InlineData(32, 32, 63, "signedPreKeySignature")]
    public void Registration_keys_reject_wrong_lengths(int identityLength, int preKeyLength, int signatureLength, string parameter)
    {
        var error = Assert.Throws<ArgumentException>(() => new ClientPayloadRegistrationKeys(
            1, new byte[identityLength], 1, new byte[preKeyLength], new byte[signatureLength]));

        Assert.Equal(parameter, error.ParamName);
    }

    [Fact]
    public void Registration_keys_reject_prekey_ids_that_do_not_fit_three_bytes()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ClientPayloadRegistrationKeys(
            1, new byte[32], 0x100_0000, new byte[32], new byte[64]));
    }

    [Theory]
    [InlineData("")]
    [InlineData("+15551234567")]
    [InlineData("1555:3")]
    [InlineData("0")]
    public void Login_rejects_non_numeric_or_zero_users(string user)
    {
        Assert.ThrowsAny<ArgumentException>(() => new ClientPayloadFactory(new ClientPayloadOptions()).CreateLoginPayload(user, 1));
    }
}
