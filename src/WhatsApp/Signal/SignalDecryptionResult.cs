namespace CodeChat.WhatsApp.Signal;

/// <summary>
/// A decrypted 1:1 message. <see cref="IdentityChanged"/> is true when the sender's identity key
/// differs from the one we had stored (the peer re-installed): the new identity was accepted (trust
/// on first use, as WhatsApp clients do) and the old sessions dropped; the client reports it as an
/// identity-change event.
/// </summary>
public sealed record SignalDecryptionResult(byte[] Plaintext, bool IdentityChanged);
