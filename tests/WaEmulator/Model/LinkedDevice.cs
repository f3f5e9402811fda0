namespace CodeChat.WaEmulator.Model;

/// <summary>A companion device registered through QR pairing.</summary>
public sealed class LinkedDevice(EmulatedAccount account, int deviceId, int keyIndex, byte[] noisePublicKey, DeviceKeys keys, byte[] signedDeviceIdentity)
{
    public EmulatedAccount Account { get; } = account;

    public int DeviceId { get; } = deviceId;

    /// <summary>ADV key index: echoed by the client in pair-device-sign and reported by usync.</summary>
    public int KeyIndex { get; } = keyIndex;

    /// <summary>The client's Noise static key; a login must present the same one.</summary>
    public byte[] NoisePublicKey { get; } = noisePublicKey;

    public DeviceKeys Keys { get; } = keys;

    /// <summary>ADVSignedDeviceIdentity as the client signed it in pair-device-sign.</summary>
    public byte[] SignedDeviceIdentity { get; } = signedDeviceIdentity;

    public string PnJid => $"{Account.Phone}:{DeviceId}@s.whatsapp.net";

    public string LidJid => $"{Account.LidUser}:{DeviceId}@lid";

    public override string ToString() => PnJid;
}
