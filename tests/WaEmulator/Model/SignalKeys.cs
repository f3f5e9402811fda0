namespace CodeChat.WaEmulator.Model;

/// <summary>A signed prekey as the server hands it out: 3-byte id, 32-byte key, 64-byte XEdDSA signature.</summary>
public sealed record SignedPreKeyRecord(byte[] Id, byte[] PublicKey, byte[] Signature);

/// <summary>A one-time prekey as uploaded: 3-byte id, 32-byte key.</summary>
public sealed record OneTimePreKeyRecord(byte[] Id, byte[] PublicKey);
