using CodeChat.WhatsApp.Proto;
using Google.Protobuf;
using static CodeChat.WhatsApp.Proto.ClientPayload.Types;

namespace CodeChat.WhatsApp.Tests.Proto;

/// <summary>
/// ClientPayload and DeviceProps schema checks against the byte-exact vectors of
/// whatsapp-protocol.md §12.2 (built field by field here; the builder has its own tests).
/// </summary>
public class ClientPayloadProtoTests
{
    private static UserAgent WebUserAgent() => new()
    {
        Platform = UserAgent.Types.Platform.Web,
        AppVersion = new UserAgent.Types.AppVersion { Primary = 2, Secondary = 3000, Tertiary = 1045649367 },
        Mcc = "000",
        Mnc = "000",
        OsVersion = "0.1",
        Manufacturer = "",
        Device = "Desktop",
        OsBuildNumber = "0.1",
        ReleaseChannel = UserAgent.Types.ReleaseChannel.Release,
        LocaleLanguageIso6391 = "en",
        LocaleCountryIso31661Alpha2 = "US",
    };

    [Fact]
    public void Login_payload_fields_serialize_to_the_vector()
    {
        // vectors.json key payload.login_proto (§12.2: username 15551234567, device 3, passive/pull/lidDbMigrated, lc=1)
        var payload = new ClientPayload
        {
            Username = 15551234567,
            Passive = true,
            UserAgent = WebUserAgent(),
            WebInfo = new WebInfo { WebSubPlatform = WebInfo.Types.WebSubPlatform.WebBrowser },
            ConnectType = ConnectType.WifiUnknown,
            ConnectReason = ConnectReason.UserActivated,
            Device = 3,
            Lc = 1,
            Pull = true,
            LidDbMigrated = true,
        };

        Assert.Equal(ProtoVectors.Hex("payload.login_proto"), payload.ToByteArray());
    }

    [Fact]
    public void Login_vector_parses_back_to_the_documented_values()
    {
        var payload = ClientPayload.Parser.ParseFrom(ProtoVectors.Hex("payload.login_proto"));

        Assert.Equal(15551234567ul, payload.Username);
        Assert.Equal(3u, payload.Device);
        Assert.Equal(UserAgent.Types.Platform.Web, payload.UserAgent.Platform);
        Assert.Equal(1045649367u, payload.UserAgent.AppVersion.Tertiary);
        Assert.Equal(ConnectType.WifiUnknown, payload.ConnectType);
        Assert.Null(payload.DevicePairingData);
    }

    [Fact]
    public void DeviceProps_match_the_vector()
    {
        // vectors.json key payload.deviceprops_proto (§12.2)
        var props = new DeviceProps
        {
            Os = "whatsmeow",
            Version = new DeviceProps.Types.AppVersion { Primary = 0, Secondary = 1, Tertiary = 0 },
            PlatformType = DeviceProps.Types.PlatformType.Unknown,
            RequireFullSync = false,
            HistorySyncConfig = new DeviceProps.Types.HistorySyncConfig
            {
                StorageQuotaMb = 10240,
                InlineInitialPayloadInE2EeMsg = true,
                SupportCallLogHistory = true,
            },
        };

        Assert.Equal(ProtoVectors.Hex("payload.deviceprops_proto"), props.ToByteArray());
    }

    [Fact]
    public void Registration_payload_fields_serialize_to_the_vector()
    {
        // vectors.json key payload.registration_proto (§12.2): regId payload.registration_id, identity key.identity.pub,
        // signed prekey id 1 / key.signed-prekey.pub / signal.signed_prekey.signature_deterministic
        var registrationId = (uint)ProtoVectors.Number("payload.registration_id");
        var payload = new ClientPayload
        {
            Passive = false,
            UserAgent = WebUserAgent(),
            WebInfo = new WebInfo { WebSubPlatform = WebInfo.Types.WebSubPlatform.WebBrowser },
            ConnectType = ConnectType.WifiUnknown,
            ConnectReason = ConnectReason.UserActivated,
            DevicePairingData = new DevicePairingRegistrationData
            {
                ERegid = ByteString.CopyFrom(
                    (byte)(registrationId >> 24), (byte)(registrationId >> 16), (byte)(registrationId >> 8), (byte)registrationId),
                EKeytype = ByteString.CopyFrom(0x05),
                EIdent = ByteString.CopyFrom(ProtoVectors.Hex("key.identity.pub")),
                ESkeyID = ByteString.CopyFrom(0, 0, 1),
                ESkeyVal = ByteString.CopyFrom(ProtoVectors.Hex("key.signed-prekey.pub")),
                ESkeySig = ByteString.CopyFrom(ProtoVectors.Hex("signal.signed_prekey.signature_deterministic")),
                BuildHash = ByteString.CopyFrom(ProtoVectors.Hex("payload.build_hash_md5(2.3000.1045649367)")),
                DeviceProps = ByteString.CopyFrom(ProtoVectors.Hex("payload.deviceprops_proto")),
            },
            Pull = false,
        };

        Assert.Equal(ProtoVectors.Hex("payload.registration_proto"), payload.ToByteArray());
    }

    [Fact]
    public void Rarely_used_fields_round_trip()
    {
        var payload = new ClientPayload
        {
            PushName = "name",
            SessionID = -5,
            ShortConnect = true,
            Shards = { 1, 2 },
            DnsSource = new DNSSource { DnsMethod = DNSSource.Types.DNSResolutionMethod.Hardcoded, AppCached = true },
            ConnectAttemptCount = 2,
            Product = Product.WhatsappLid,
            Oc = true,
            IosAppExtension = IOSAppExtension.IntentsExtension,
            PaddingBytes = ByteString.CopyFrom(1, 2, 3),
            InteropData = new InteropData { AccountID = 9, Token = ByteString.CopyFrom(4), EnableReadReceipts = true },
            TrafficAnonymization = TrafficAnonymization.Standard,
            AccountType = AccountType.Guest,
            ConnectionSequenceInfo = 11,
            PairedPeripherals = { "a" },
            TestIsolationID = ByteString.CopyFrom(5),
            WebInfo = new WebInfo
            {
                RefToken = "r",
                Version = "v",
                WebdPayload = new WebInfo.Types.WebdPayload { SupportsMediaRetry = true, Features = ByteString.CopyFrom(6) },
                WebSubPlatform = WebInfo.Types.WebSubPlatform.Darwin,
                Browser = "b",
                BrowserVersion = "bv",
            },
        };

        var parsed = ClientPayload.Parser.ParseFrom(payload.ToByteArray());

        Assert.Equal(payload, parsed);
        // DNSSource uses field numbers 15/16 upstream (not 1/2): 0x78 = field 15 varint.
        Assert.Equal(new byte[] { 0x78, 0x02, 0x80, 0x01, 0x01 }, payload.DnsSource.ToByteArray());
    }
}
