using CodeChat.WhatsApp.Crypto;
using CodeChat.WhatsApp.Store;

namespace CodeChat.WhatsApp.Tests.Store;

public class DeviceCredentialsTests
{
    [Fact]
    public void Fresh_credentials_follow_the_device_creation_rules()
    {
        // whatsapp-protocol.md §4.1: signed prekey id 1 signed over 05||spk.pub, 14-bit registration id,
        // 32-byte adv secret, clamped private keys (P13).
        var credentials = DeviceCredentials.CreateNew();

        Assert.Equal(1u, credentials.SignedPreKey.Id);
        Assert.True(credentials.SignedPreKey.IsSignedBy(credentials.IdentityKey.ToPublicKey()));
        Assert.InRange(credentials.RegistrationId, 1u, DeviceCredentials.MaxRegistrationId);
        Assert.Equal(32, credentials.AdvSecretKey.Length);
        Assert.False(credentials.IsPaired);
        foreach (var key in new[] { credentials.NoiseKey, credentials.IdentityKey, credentials.SignedPreKey.KeyPair })
        {
            Assert.Equal(0, key.PrivateKey[0] & 0x07);
            Assert.Equal(0x40, key.PrivateKey[31] & 0xC0);
            Assert.Equal(key.PublicKey, Curve25519.PublicKeyFromPrivate(key.PrivateKey));
        }
        Assert.NotEqual(credentials.NoiseKey.PublicKey, credentials.IdentityKey.PublicKey);
    }

    [Fact]
    public void Two_devices_never_share_keys()
    {
        var first = DeviceCredentials.CreateNew();
        var second = DeviceCredentials.CreateNew();

        Assert.NotEqual(first.IdentityKey.PublicKey, second.IdentityKey.PublicKey);
        Assert.NotEqual(first.AdvSecretKey, second.AdvSecretKey);
    }

    [Fact]
    public void Registration_keys_carry_the_public_halves()
    {
        var credentials = DeviceCredentials.CreateNew();

        var keys = credentials.ToRegistrationKeys();

        Assert.Equal(credentials.RegistrationId, keys.RegistrationId);
        Assert.Equal(credentials.IdentityKey.PublicKey, keys.IdentityPublicKey.ToArray());
        Assert.Equal(credentials.SignedPreKey.KeyPair.PublicKey, keys.SignedPreKeyPublicKey.ToArray());
        Assert.Equal(credentials.SignedPreKey.Signature, keys.SignedPreKeySignature.ToArray());
    }

    [Fact]
    public void Json_round_trip_keeps_every_field()
    {
        var credentials = DeviceCredentials.CreateNew() with
        {
            Account = [1, 2, 3],
            Jid = "15551234567:12@s.whatsapp.net",
            Lid = "123456789012345:12@lid",
            PushName = "Alice",
            Platform = "android",
            BusinessName = "Shop",
            KeyIndex = 5,
        };

        var restored = DeviceCredentialsJson.Deserialize(DeviceCredentialsJson.Serialize(credentials));

        Assert.Equal(credentials.NoiseKey.PrivateKey, restored.NoiseKey.PrivateKey);
        Assert.Equal(credentials.IdentityKey.PublicKey, restored.IdentityKey.PublicKey);
        Assert.Equal(credentials.SignedPreKey.Signature, restored.SignedPreKey.Signature);
        Assert.Equal(credentials.SignedPreKey.Id, restored.SignedPreKey.Id);
        Assert.Equal(credentials.RegistrationId, restored.RegistrationId);
        Assert.Equal(credentials.AdvSecretKey, restored.AdvSecretKey);
        Assert.Equal(credentials.Account, restored.Account);
        Assert.Equal(credentials.Jid, restored.Jid);
        Assert.Equal(credentials.Lid, restored.Lid);
        Assert.Equal(credentials.PushName, restored.PushName);
        Assert.Equal(credentials.Platform, restored.Platform);
        Assert.Equal(credentials.BusinessName, restored.BusinessName);
        Assert.Equal(5u, restored.KeyIndex);
        Assert.Equal(credentials.CreatedAt, restored.CreatedAt);
        Assert.True(restored.IsPaired);
        Assert.Equal("15551234567", restored.GetJid()!.Value.User);
        Assert.Equal((ushort)12, restored.GetLid()!.Value.Device);
    }

    [Fact]
    public void Text_form_never_contains_private_keys()
    {
        var credentials = DeviceCredentials.CreateNew();

        var text = credentials.ToString() + credentials.IdentityKey + credentials.NoiseKey;

        Assert.DoesNotContain(Convert.ToHexStringLower(credentials.IdentityKey.PrivateKey), text);
        Assert.DoesNotContain(Convert.ToHexStringLower(credentials.NoiseKey.PrivateKey), text);
        Assert.DoesNotContain(Convert.ToBase64String(credentials.AdvSecretKey), text);
    }
}
