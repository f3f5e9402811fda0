using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.DependencyInjection;

namespace CodeChat.Secrets;

/// <summary>
/// Opens key ring elements sealed by <see cref="MasterKeyXmlEncryptor"/>. Data Protection creates
/// it by type name with the application's service provider, which holds the <see cref="MasterKey"/>.
/// </summary>
public sealed class MasterKeyXmlDecryptor : IXmlDecryptor
{
    private readonly MasterKey _masterKey;

    public MasterKeyXmlDecryptor(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        _masterKey = services.GetRequiredService<MasterKey>();
    }

    public MasterKeyXmlDecryptor(MasterKey masterKey) => _masterKey = masterKey;

    public XElement Decrypt(XElement encryptedElement)
    {
        ArgumentNullException.ThrowIfNull(encryptedElement);
        var value = encryptedElement.Element(MasterKeyXmlEncryptor.ValueElementName)?.Value
            ?? throw new CryptographicException($"The key ring element has no <{MasterKeyXmlEncryptor.ValueElementName}>.");
        var sealedBytes = Convert.FromBase64String(value);
        const int overhead = MasterKeyXmlEncryptor.NonceSize + MasterKeyXmlEncryptor.TagSize;
        if (sealedBytes.Length < overhead)
            throw new CryptographicException("The key ring element is too short.");

        var plaintext = new byte[sealedBytes.Length - overhead];
        try
        {
            using var aes = new AesGcm(_masterKey.KeyRingKey, MasterKeyXmlEncryptor.TagSize);
            aes.Decrypt(
                sealedBytes.AsSpan(0, MasterKeyXmlEncryptor.NonceSize),
                sealedBytes.AsSpan(MasterKeyXmlEncryptor.NonceSize, plaintext.Length),
                sealedBytes.AsSpan(MasterKeyXmlEncryptor.NonceSize + plaintext.Length),
                plaintext,
                MasterKeyXmlEncryptor.AssociatedData);
        }
        catch (AuthenticationTagMismatchException exception)
        {
            throw new MasterKeyException(
                $"{MasterKey.ConfigurationKey} does not open the key ring stored in the database: it is not the key the ring was written with.",
                exception);
        }

        try
        {
            return XElement.Parse(Encoding.UTF8.GetString(plaintext));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }
}
