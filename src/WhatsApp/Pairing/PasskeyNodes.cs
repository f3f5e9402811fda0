using CodeChat.WhatsApp.Binary;

namespace CodeChat.WhatsApp.Pairing;

/// <summary>
/// The children of the md iqs a companion sends while linking with a passkey (whatsapp-protocol.md §4.5;
/// whatsmeow pair-passkey.go). Each goes inside <c>&lt;iq xmlns="md" to="s.whatsapp.net"&gt;</c>.
/// </summary>
public static class PasskeyNodes
{
    /// <summary>Type get: the request options when the notification's could not be read.</summary>
    public static Node RequestOptionsQuery() => new("passkey_request_options");

    /// <summary>Type get: the ref the ephemeral identity names.</summary>
    public static Node RefQuery() => new("ref");

    /// <summary>Type set: the assertion, the prologue and, while the handoff key is valid, its proof.</summary>
    public static Node Prologue(WebAuthnAssertion assertion, ReadOnlyMemory<byte> prologuePayload, byte[]? handoffProof)
    {
        ArgumentNullException.ThrowIfNull(assertion);
        var children = new List<Node>
        {
            new("credential_id", default, assertion.RawId),
            new("webauthn_assertion", default, assertion.ToWireJson()),
            new("prologue_payload", default, prologuePayload),
        };
        // A byte[] parameter on purpose: a null array would silently become an empty ReadOnlyMemory.
        if (handoffProof is { } proof)
        {
            children.Add(new Node("pairing_handoff_proof", default, proof));
        }
        return new Node("passkey_prologue", default, children.ToArray());
    }

    /// <summary>Type set: reveals the nonce committed to in the prologue.</summary>
    public static Node CompanionNonce(ReadOnlyMemory<byte> nonce) => new("companion_nonce", default, nonce);

    /// <summary>Type set: the sealed pairing request.</summary>
    public static Node EncryptedPairingRequest(ReadOnlyMemory<byte> sealedRequest) => new("encrypted_pairing_request", default, sealedRequest);
}
