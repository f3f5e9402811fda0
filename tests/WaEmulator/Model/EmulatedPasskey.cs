using System.Security.Cryptography;

namespace CodeChat.WaEmulator.Model;

/// <summary>
/// The passkey an account registered with WhatsApp: what a relying party keeps of a WebAuthn credential
/// (its id and its P-256 public key), never the private key, which stays with the authenticator (the test).
/// </summary>
public sealed class EmulatedPasskey
{
    private readonly ECParameters _publicKey;

    public EmulatedPasskey(byte[] credentialId, ECParameters publicKey)
    {
        ArgumentNullException.ThrowIfNull(credentialId);
        if (credentialId.Length == 0)
        {
            throw new ArgumentException("A credential id is not empty.", nameof(credentialId));
        }
        if (publicKey.Curve.Oid.Value != ECCurve.NamedCurves.nistP256.Oid.Value || publicKey.Q.X is null || publicKey.Q.Y is null)
        {
            throw new ArgumentException("A WhatsApp passkey is an ES256 (P-256) public key.", nameof(publicKey));
        }
        CredentialId = credentialId.ToArray();
        _publicKey = new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = publicKey.Q };
    }

    public byte[] CredentialId { get; }

    /// <summary>A fresh verifier over the public key (the caller disposes it).</summary>
    public ECDsa CreateVerifier() => ECDsa.Create(_publicKey);
}
