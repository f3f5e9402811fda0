namespace CodeChat.WaEmulator;

/// <summary>Settings of one emulator instance.</summary>
public sealed record WaEmulatorOptions
{
    /// <summary>Loopback port to listen on; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>Largest accepted frame payload; WhatsApp's own limit is 16 MiB (whatsapp-protocol.md §1.1).</summary>
    public int MaxFrameSize { get; init; } = (1 << 24) - 1;

    /// <summary>A client that has not finished the Noise handshake by then is dropped.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Loopback port of the HTTPS media host; 0 picks a free one.</summary>
    public int MediaPort { get; init; }

    /// <summary>How many QR refs a registering client gets before it gives up (the real server sends 6).</summary>
    public int QrRefCount { get; init; } = 6;

    /// <summary>Clients claiming an older WhatsApp Web version get <c>&lt;failure reason="405"/&gt;</c>; null admits all.</summary>
    public CodeChat.WhatsApp.Client.WhatsAppWebVersion? MinimumClientVersion { get; init; }

    /// <summary>The version <c>/sw.js</c> announces; null announces the client library's compiled-in default.</summary>
    public CodeChat.WhatsApp.Client.WhatsAppWebVersion? CurrentClientVersion { get; init; }

    /// <summary>
    /// The WebAuthn relying party of the passkeys (rpId in the request options; its SHA-256 must open the
    /// authenticatorData). Emulator choice: WhatsApp's own value is not documented by the references.
    /// </summary>
    public string PasskeyRelyingPartyId { get; init; } = "whatsapp.com";

    /// <summary>
    /// The web origin an assertion must come from (clientDataJSON.origin, WebAuthn §7.2 step 9): WhatsApp
    /// Web's. Browser tests of the passkey helper set their local stand-in page's origin here.
    /// </summary>
    public string PasskeyOrigin { get; init; } = "https://web.whatsapp.com";

    /// <summary>How long a passkey request stays answerable (the options' timeout; the handoff key lives as long).</summary>
    public TimeSpan PasskeyRequestTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// New groups are LID-addressed (<c>addressing_mode="lid"</c>), as WhatsApp makes most groups now:
    /// metadata lists participants by LID with <c>phone_number</c> beside, and messages, receipts and
    /// notifications name members by LID with the phone number in <c>*_pn</c> attributes (whatsmeow
    /// <c>group.go</c> parseGroupNode, Baileys 7 extractGroupMetadata). False keeps PN-addressed groups.
    /// </summary>
    public bool LidAddressedGroups { get; init; }
}
