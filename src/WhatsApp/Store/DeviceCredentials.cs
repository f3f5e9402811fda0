using System.Security.Cryptography;
using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Client;
using CodeChat.WhatsApp.Crypto;
using CodeChat.WhatsApp.Proto;

namespace CodeChat.WhatsApp.Store;

/// <summary>
/// Everything one WhatsApp companion device must keep across restarts (whatsapp-protocol.md §4.1, §4.3).
/// A plain record of byte arrays and strings so a PostgreSQL store can persist it as columns or as
/// JSON (see <see cref="DeviceCredentialsJson"/>). Immutable: derive updated copies with <c>with</c>
/// and save them before the step that depends on them completes.
/// </summary>
public sealed record DeviceCredentials
{
    /// <summary>Largest registration id of the 14-bit libsignal convention (§4.1: safer for other clients).</summary>
    public const uint MaxRegistrationId = 0x3FFF;

    public const int AdvSecretLength = 32;

    /// <summary>Static Noise key: sent in the handshake, the QR code and the pairing-code hello (§2.8).</summary>
    public required KeyPairRecord NoiseKey { get; init; }

    /// <summary>Signal identity key; also the key the phone's account signature covers.</summary>
    public required KeyPairRecord IdentityKey { get; init; }

    public required SignedPreKeyRecord SignedPreKey { get; init; }

    public required uint RegistrationId { get; init; }

    /// <summary>
    /// HMAC key the phone uses for the pair-success identity: random for QR pairing, replaced by the
    /// value derived in the pairing-code flow (§4.4 step 10, pitfall P25). Never log it.
    /// </summary>
    public required byte[] AdvSecretKey { get; init; }

    /// <summary>
    /// Serialized <see cref="ADVSignedDeviceIdentity"/> from pair-success, with the account signature key
    /// and our device signature; attached to pkmsg sends. Null until paired.
    /// </summary>
    public byte[]? Account { get; init; }

    /// <summary>Own phone-number device JID, e.g. <c>15551234567:12@s.whatsapp.net</c>; null until paired.</summary>
    public string? Jid { get; init; }

    /// <summary>Own LID device JID, e.g. <c>123456789012345:12@lid</c>.</summary>
    public string? Lid { get; init; }

    public string? PushName { get; init; }

    /// <summary>Platform of the primary device as reported in pair-success (android, iphone, smba…).</summary>
    public string? Platform { get; init; }

    /// <summary>Business name from pair-success, for business accounts.</summary>
    public string? BusinessName { get; init; }

    /// <summary>Key index of the device identity; sent as <c>key-index</c> in pair-device-sign.</summary>
    public uint KeyIndex { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>True once pair-success was accepted: the next connection logs in instead of registering.</summary>
    public bool IsPaired => Jid is not null && Account is not null;

    /// <summary>Fresh keys for a device that has never connected (§4.1).</summary>
    public static DeviceCredentials CreateNew(TimeProvider? timeProvider = null)
    {
        var identity = Curve25519KeyPair.Generate();
        return new DeviceCredentials
        {
            NoiseKey = KeyPairRecord.Generate(),
            IdentityKey = KeyPairRecord.From(identity),
            SignedPreKey = SignedPreKeyRecord.Generate(identity, id: 1),
            RegistrationId = (uint)RandomNumberGenerator.GetInt32(1, (int)MaxRegistrationId + 1),
            AdvSecretKey = RandomNumberGenerator.GetBytes(AdvSecretLength),
            CreatedAt = (timeProvider ?? TimeProvider.System).GetUtcNow(),
        };
    }

    /// <summary>The parsed own phone-number JID, or null before pairing.</summary>
    public Jid? GetJid() => Jid is null ? null : Binary.Jid.Parse(Jid);

    /// <summary>The parsed own LID, or null when unknown.</summary>
    public Jid? GetLid() => Lid is null ? null : Binary.Jid.Parse(Lid);

    /// <summary>The parsed account identity, or null before pairing.</summary>
    public ADVSignedDeviceIdentity? GetAccount() => Account is null ? null : ADVSignedDeviceIdentity.Parser.ParseFrom(Account);

    /// <summary>The public keys the registration ClientPayload carries.</summary>
    public ClientPayloadRegistrationKeys ToRegistrationKeys() => new(
        RegistrationId,
        IdentityKey.PublicKey,
        SignedPreKey.Id,
        SignedPreKey.KeyPair.PublicKey,
        SignedPreKey.Signature);

    /// <summary>Shows identifying data only; key material never reaches logs.</summary>
    public override string ToString() =>
        $"DeviceCredentials(jid {Jid ?? "unpaired"}, lid {Lid ?? "-"}, registration {RegistrationId}, identity {Convert.ToHexStringLower(IdentityKey.PublicKey)})";
}
