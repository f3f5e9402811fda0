using System.Xml.Linq;
using Npgsql;

namespace CodeChat.Secrets;

/// <summary>
/// Checks at start-up that the master key opens every key of the stored ring. Data Protection on
/// its own would skip keys it cannot open and quietly make a new one, so a wrong or changed master
/// key would surface only later, as secrets that no longer decrypt.
/// </summary>
public static class KeyRingVerifier
{
    private static readonly XName EncryptedSecret = XName.Get("encryptedSecret", "http://schemas.asp.net/2015/03/dataProtection");

    /// <summary>Throws <see cref="MasterKeyException"/> when a key sealed with a master key does not open with this one.</summary>
    public static void Verify(IEnumerable<XElement> keyRing, MasterKey masterKey)
    {
        ArgumentNullException.ThrowIfNull(keyRing);
        var decryptor = new MasterKeyXmlDecryptor(masterKey);
        foreach (var secret in keyRing.SelectMany(element => element.Descendants(EncryptedSecret)))
        {
            if (secret.Elements().FirstOrDefault() is { } sealedElement && sealedElement.Name.LocalName == MasterKeyXmlEncryptor.ElementName)
                decryptor.Decrypt(sealedElement);
        }
    }

    /// <summary>
    /// <see cref="Verify"/> on the ring in the database; an absent table (no silo has migrated the
    /// database yet) holds no ring to check.
    /// </summary>
    public static void Verify(PostgresXmlRepository repository, MasterKey masterKey)
    {
        ArgumentNullException.ThrowIfNull(repository);
        IReadOnlyCollection<XElement> elements;
        try
        {
            elements = repository.GetAllElements();
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return;
        }

        Verify(elements, masterKey);
    }
}
