using System.Security.Cryptography;
using System.Text;
using CodeChat.WhatsApp.Crypto;
using CodeChat.WhatsApp.Signal;
using CsCheck;

namespace CodeChat.WhatsApp.Tests.Crypto;

public class HmacSha256Tests
{
    [Theory]
    // RFC 4231 §4.2, §4.3 and §4.7 (test cases 1, 2 and 6: the last with a key longer than the block).
    [InlineData("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "Hi There", "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")]
    [InlineData("4a656665", "what do ya want for nothing?", "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "Test Using Larger Than Block-Size Key - Hash Key First", "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")]
    public void Rfc4231_test_cases(string key, string data, string mac) =>
        Assert.Equal(Convert.FromHexString(mac), HmacSha256.Compute(Convert.FromHexString(key), Encoding.ASCII.GetBytes(data)));

    [Fact]
    public void Equals_dotnet_hmac_for_any_key_and_split_message()
    {
        Gen.Select(Gen.Byte.Array[0, 150], Gen.Byte.Array[0, 1200], Gen.Int[0, 1200], Gen.Int[0, 1200]).Sample((key, message, a, b) =>
        {
            var first = Math.Min(a, message.Length);
            var second = Math.Min(b, message.Length - first);
            var mac = new byte[32];
            HmacSha256.Compute(key, message.AsSpan(0, first), message.AsSpan(first, second), message.AsSpan(first + second), mac);
            Assert.Equal(HMACSHA256.HashData(key, message), mac);
        });
    }

    [Fact]
    public void DeriveSecrets_equals_dotnet_hkdf()
    {
        Gen.Select(Gen.Byte.Array[1, 160], Gen.Byte.Array[32], Gen.Byte.Array[0, 40], Gen.Int[1, 3]).Sample((ikm, salt, info, chunks) =>
            Assert.Equal(
                HKDF.DeriveKey(HashAlgorithmName.SHA256, ikm, chunks * 32, salt, info),
                SignalKdf.DeriveSecrets(ikm, salt, info, chunks)));
    }
}
