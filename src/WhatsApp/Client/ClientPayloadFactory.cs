using System.Buffers.Binary;
using System.Globalization;
using CodeChat.WhatsApp.Proto;
using Google.Protobuf;

namespace CodeChat.WhatsApp.Client;

/// <summary>
/// Builds the ClientPayload that is encrypted into the Noise ClientFinish message
/// (whatsapp-protocol.md §2.7): the registration payload for a device that is not paired yet and the
/// login payload for a paired one. Stateless apart from its immutable options, so one instance can be
/// shared; create a new one (see <see cref="WithVersion"/>) when the WhatsApp Web version changes.
/// </summary>
public sealed class ClientPayloadFactory
{
    // Signal "DjbType": marks the identity key as Curve25519.
    private const byte DjbKeyType = 0x05;

    public ClientPayloadFactory(ClientPayloadOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
    }

    public ClientPayloadOptions Options { get; }

    public ClientPayloadFactory WithVersion(WhatsAppWebVersion version) => new(Options with { Version = version });

    /// <summary>Payload for the first connection of a fresh device; the server answers with pair-device refs.</summary>
    public ClientPayload CreateRegistrationPayload(ClientPayloadRegistrationKeys keys)
    {
        ArgumentNullException.ThrowIfNull(keys);

        var registrationId = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(registrationId, keys.RegistrationId);

        var signedPreKeyId = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(signedPreKeyId, keys.SignedPreKeyId);

        var payload = CreateCommonPayload();
        payload.Passive = false;
        payload.Pull = false;
        payload.DevicePairingData = new ClientPayload.Types.DevicePairingRegistrationData
        {
            ERegid = ByteString.CopyFrom(registrationId),
            EKeytype = ByteString.CopyFrom(DjbKeyType),
            EIdent = ByteString.CopyFrom(keys.IdentityPublicKey),
            ESkeyID = ByteString.CopyFrom(signedPreKeyId.AsSpan(1)),
            ESkeyVal = ByteString.CopyFrom(keys.SignedPreKeyPublicKey),
            ESkeySig = ByteString.CopyFrom(keys.SignedPreKeySignature),
            BuildHash = ByteString.CopyFrom(Options.Version.ComputeBuildHash()),
            DeviceProps = CreateDeviceProps().ToByteString(),
        };
        return payload;
    }

    /// <summary>
    /// Payload for reconnecting a paired device. <paramref name="username"/> is the user part of our own
    /// phone-number JID as an integer, <paramref name="device"/> the <c>:NN</c> device id of that JID.
    /// </summary>
    public ClientPayload CreateLoginPayload(ulong username, uint device)
    {
        ArgumentOutOfRangeException.ThrowIfZero(username);

        var payload = CreateCommonPayload();
        payload.Username = username;
        payload.Device = device;
        payload.Passive = true;
        payload.Pull = true;
        payload.LidDbMigrated = Options.LidDbMigrated;
        payload.Lc = 1;
        return payload;
    }

    /// <inheritdoc cref="CreateLoginPayload(ulong, uint)"/>
    /// <param name="phoneUser">Digits only, e.g. <c>15551234567</c> from <c>15551234567:3@s.whatsapp.net</c>.</param>
    public ClientPayload CreateLoginPayload(string phoneUser, uint device)
    {
        ArgumentException.ThrowIfNullOrEmpty(phoneUser);
        if (!ulong.TryParse(phoneUser, NumberStyles.None, CultureInfo.InvariantCulture, out var username))
        {
            throw new ArgumentException("The phone user must be the digits of the own phone-number JID.", nameof(phoneUser));
        }

        return CreateLoginPayload(username, device);
    }

    /// <summary>DeviceProps serialized into the registration payload; the phone shows these in "Linked devices".</summary>
    public DeviceProps CreateDeviceProps() => new()
    {
        Os = Options.DeviceName,
        Version = new DeviceProps.Types.AppVersion
        {
            Primary = Options.DeviceVersion.Primary,
            Secondary = Options.DeviceVersion.Secondary,
            Tertiary = Options.DeviceVersion.Tertiary,
        },
        PlatformType = Options.PlatformType,
        RequireFullSync = Options.RequireFullSync,
        HistorySyncConfig = Options.HistorySyncConfig?.Clone() ?? ClientPayloadOptions.CreateDefaultHistorySyncConfig(),
    };

    private ClientPayload CreateCommonPayload() => new()
    {
        UserAgent = new ClientPayload.Types.UserAgent
        {
            Platform = ClientPayload.Types.UserAgent.Types.Platform.Web,
            AppVersion = new ClientPayload.Types.UserAgent.Types.AppVersion
            {
                Primary = Options.Version.Primary,
                Secondary = Options.Version.Secondary,
                Tertiary = Options.Version.Tertiary,
            },
            Mcc = "000",
            Mnc = "000",
            OsVersion = "0.1",
            Manufacturer = "",
            Device = "Desktop",
            OsBuildNumber = "0.1",
            ReleaseChannel = ClientPayload.Types.UserAgent.Types.ReleaseChannel.Release,
            LocaleLanguageIso6391 = Options.LocaleLanguage,
            LocaleCountryIso31661Alpha2 = Options.LocaleCountry,
        },
        WebInfo = new ClientPayload.Types.WebInfo
        {
            WebSubPlatform = ClientPayload.Types.WebInfo.Types.WebSubPlatform.WebBrowser,
        },
        ConnectType = ClientPayload.Types.ConnectType.WifiUnknown,
        ConnectReason = ClientPayload.Types.ConnectReason.UserActivated,
    };
}
