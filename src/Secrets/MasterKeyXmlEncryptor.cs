using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace CodeChat.Secrets;

/// <summary>
/// Encrypts each key of the Data Protection key ring with AES-256-GCM under the master key before
/// it is written to PostgreSQL. The stored element carries only nonce, ciphertext and tag.
/// </summary>
public sealed class MasterKeyXmlEncryptor(MasterKey masterKey) : IXmlEncryptor
{
    internal const string ElementName = "masterKeyEncrypted";
    internal const string ValueElementName = "value";
    internal const int NonceSize = 12;
    internal const int TagSize = 16;

    // Associated data: a ciphertext made for anything else does not open here.
    internal static readonly byte[] AssociatedData = Encoding.ASCII.GetBytes("CodeChat.NET key ring element v1");

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        ArgumentNullException.ThrowIfNull(plaintextElement);
        var plaintext = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        var sealedBytes = new byte[NonceSize + plaintext.Length + TagSize];
        var nonce = sealedBytes.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using (var aes = new AesGcm(masterKey.KeyRingKey, TagSize))
        {
            aes.Encrypt(nonce, plaintext, sealedBytes.AsSpan(NonceSize, plaintext.Length), sealedBytes.AsSpan(NonceSize + plaintext.Length), AssociatedData);
        }

        CryptographicOperations.ZeroMemory(plaintext);
        var element = new XElement(ElementName,
            new XAttribute("version", 1),
            new XComment(" Encrypted with the CodeChat.NET master key (Security:MasterKey), AES-256-GCM: nonce | ciphertext | tag. "),
            new XElement(ValueElementName, Convert.ToBase64String(sealedBytes)));
        return new EncryptedXmlInfo(element, typeof(MasterKeyXmlDecryptor));
    }
}
