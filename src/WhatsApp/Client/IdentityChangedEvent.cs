using CodeChat.WhatsApp.Binary;

namespace CodeChat.WhatsApp.Client;

/// <summary>
/// A contact's device presented an identity key other than the one we stored: it re-installed
/// WhatsApp (or was replaced). As WhatsApp does (Baileys <c>saveIdentity</c>, whatsmeow
/// <c>clearUntrustedIdentity</c>: trust on first use, no blocking), the new identity is accepted,
/// the sessions bound to the old one are dropped and a new session is used from here on; this event
/// only reports it. <paramref name="Device"/> is the device's session address (its LID device when
/// known). It carries no key material.
/// </summary>
public sealed record IdentityChangedEvent(Jid Device) : WaEvent;
