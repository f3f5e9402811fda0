using CodeChat.WhatsApp.Crypto;
using CodeChat.WhatsApp.Pairing;
using CodeChat.WhatsApp.Socket;

namespace CodeChat.WhatsApp.Client;

/// <summary>
/// Everything a <see cref="WaClient"/> may be tuned with. Defaults target production WhatsApp
/// (whatsapp-protocol.md §0, §4.2, §5.2, §5.6); tests point <see cref="Url"/> and
/// <see cref="TrustedRootPublicKey"/> at the emulator and shorten the timings.
/// </summary>
public sealed record WaClientOptions
{
    /// <summary>The WebSocket endpoint.</summary>
    public Uri Url { get; init; } = NoiseClientOptions.WhatsAppUrl;

    /// <summary>The Origin header WhatsApp requires.</summary>
    public string Origin { get; init; } = NoiseClientOptions.WhatsAppOrigin;

    /// <summary>Root of the server certificate chain; null trusts WhatsApp's production root.</summary>
    public Curve25519PublicKey? TrustedRootPublicKey { get; init; }

    /// <summary>Serial the intermediate certificate must name as issuer.</summary>
    public uint TrustedRootSerial { get; init; } = NoiseConstants.WhatsAppRootSerial;

    /// <summary>
    /// A verifier shared by many clients, so the server chain it verified once is not verified again on
    /// every connection (<see cref="CertificateChainVerifier"/>); it must trust <see cref="TrustedRootPublicKey"/>.
    /// Null: each client builds its own from the two settings above.
    /// </summary>
    public CertificateChainVerifier? CertificateVerifier { get; init; }

    /// <summary>Version, device name and platform sent in the ClientPayload.</summary>
    public ClientPayloadOptions Payload { get; init; } = new();

    /// <summary>
    /// Asked for the WhatsApp Web version before every connection attempt, and for a replacement after a
    /// 405 (outdated client); null claims <see cref="ClientPayloadOptions.Version"/> and stops at a 405.
    /// </summary>
    public IWhatsAppWebVersionSource? VersionSource { get; init; }

    /// <summary>Client type in the QR string and the pairing-code hello.</summary>
    public CompanionClientType ClientType { get; init; } = CompanionClientType.Chrome;

    /// <summary>"Browser (OS)" shown on the phone for pairing codes; the server rejects odd values with 400.</summary>
    public string ClientDisplayName { get; init; } = "Chrome (Linux)";

    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Passed to <see cref="NoiseSocketOptions.IncompleteFrameStallTimeout"/>: how long a started frame may stop growing.</summary>
    public TimeSpan IncompleteFrameStallTimeout { get; init; } = new NoiseSocketOptions().IncompleteFrameStallTimeout;

    /// <summary>Passed to <see cref="NoiseSocketOptions.IncompleteFrameTimeout"/>: how long one frame may take to arrive in full.</summary>
    public TimeSpan IncompleteFrameTimeout { get; init; } = new NoiseSocketOptions().IncompleteFrameTimeout;

    /// <summary>How long an iq waits for its answer (whatsmeow: 75 s).</summary>
    public TimeSpan IqTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Keepalive pings go out at a random interval between these bounds (whatsmeow 20–30 s).</summary>
    public TimeSpan KeepaliveIntervalMin { get; init; } = TimeSpan.FromSeconds(20);

    public TimeSpan KeepaliveIntervalMax { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one ping may wait for its answer.</summary>
    public TimeSpan KeepaliveResponseTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>With no answered ping for this long the connection counts as dead and is replaced.</summary>
    public TimeSpan KeepaliveDeadAfter { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>First reconnect delay; doubles per failed attempt up to <see cref="ReconnectMaxDelay"/>.</summary>
    public TimeSpan ReconnectBaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan ReconnectMaxDelay { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Random spread applied to each delay (0.2 = ±20 %) so many instances do not reconnect in step.</summary>
    public double ReconnectJitter { get; init; } = 0.2;

    /// <summary>
    /// Asked before every automatic reconnect (never before the first connect): false means this
    /// client no longer owns the session (another one took over), so it stops for good with a
    /// <see cref="DisconnectedEvent"/> (<see cref="DisconnectReason.Superseded"/>, no reconnect)
    /// instead of replacing the live connection. A throwing check is retried after the back-off,
    /// without connecting meanwhile. Null reconnects unasked.
    /// </summary>
    public Func<CancellationToken, ValueTask<bool>>? BeforeReconnectAsync { get; init; }

    /// <summary>How long the first QR ref is valid.</summary>
    public TimeSpan QrFirstRefTimeout { get; init; } = PairingQrCode.FirstRefTimeout;

    /// <summary>How long each following QR ref is valid.</summary>
    public TimeSpan QrNextRefTimeout { get; init; } = PairingQrCode.NextRefTimeout;

    /// <summary>
    /// How long a passkey linking (whatsapp-protocol.md §4.5) may take from WhatsApp's request to the
    /// confirmation; then the client gives up and disconnects (<see cref="DisconnectReason.PasskeyTimeout"/>).
    /// Defaults to the handoff key's lifetime.
    /// </summary>
    public TimeSpan PasskeyFlowTimeout { get; init; } = PasskeyHandoffKey.Validity;

    /// <summary>Upload prekeys when the server holds fewer than this (whatsmeow MinPreKeyCount).</summary>
    public int MinPreKeyCount { get; init; } = 5;

    /// <summary>Keys uploaded when the server has none (first login; whatsmeow and Baileys: 812).</summary>
    public int InitialPreKeyUploadCount { get; init; } = 812;

    /// <summary>Keys uploaded when topping up (whatsmeow WantedPreKeyCount).</summary>
    public int PreKeyRefillCount { get; init; } = 50;

    /// <summary>
    /// How long a logout with the socket down waits for a logged-in connection to send the
    /// remove-companion-device iq before it wipes the device locally only.
    /// </summary>
    public TimeSpan LogoutConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The durable hook for incoming messages: awaited for every decrypted message BEFORE its
    /// delivery receipt and ack go out (pitfall P8), so a message the consumer could not store is
    /// never confirmed to the sender and the server delivers it again. A throwing hook leaves the
    /// message unconfirmed; the client keeps the decrypted copy and hands it to the hook again when
    /// the server redelivers it on this client's next connection. Null confirms without storing.
    /// </summary>
    public Func<IncomingMessage, CancellationToken, ValueTask>? StoreIncomingMessageAsync { get; init; }

    /// <summary>
    /// The durable hook for messages we give up on (decryption failed after the last retry receipt,
    /// or the plaintext is not a message): awaited BEFORE the stanza is acked, so the report of a lost
    /// message is as durable as a stored one. A throwing hook leaves the stanza unacked; the server
    /// delivers it again. Null acks without reporting (the <see cref="MessageDecryptionFailedEvent"/>
    /// is raised either way).
    /// </summary>
    public Func<MessageDecryptionFailedEvent, CancellationToken, ValueTask>? ReportUnprocessableMessageAsync { get; init; }

    /// <summary>
    /// The durable hook for group notifications (w:gp2 and group pictures): awaited BEFORE the
    /// notification is acked, so a change the consumer could not record is delivered again by the
    /// server. A throwing hook leaves it unacked. Null acks without storing.
    /// </summary>
    public Func<CodeChat.WhatsApp.Groups.GroupNotification, CancellationToken, ValueTask>? StoreGroupNotificationAsync { get; init; }

    /// <summary>
    /// The durable hook for call steps addressed to us (an offer, its end): awaited BEFORE the
    /// <c>&lt;call&gt;</c> stanza is acked, so a step the consumer could not record is offered again.
    /// A throwing hook leaves it unacked. Null acks without storing.
    /// </summary>
    public Func<IncomingCall, CancellationToken, ValueTask>? StoreCallAsync { get; init; }

    /// <summary>
    /// How long an undecryptable message may stay unanswered after our retry receipt before we give up
    /// on it and report it (<see cref="ReportUnprocessableMessageAsync"/>). Senders stop resending on
    /// their own (Baileys 7 resends twice: messages-recv.js counts each retry twice against
    /// maxMsgRetryCount 5), so waiting for our own last retry receipt alone would never report it.
    /// </summary>
    public TimeSpan RetryReceiptAnswerTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a send waits for the server's <c>&lt;ack class="message"&gt;</c>.</summary>
    public TimeSpan MessageAckTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Retry receipts per undecryptable message before giving up: whatsmeow's sendRetryReceipt
    /// stops when the count reaches 5 (whatsapp-protocol.md §7.2), so at most 4 are sent.
    /// </summary>
    public int MaxRetryReceiptCount { get; init; } = 5;

    /// <summary>Raise <see cref="NodeReceivedEvent"/> for every incoming stanza (for features built on top).</summary>
    public bool RaiseNodeReceived { get; init; } = true;

    /// <summary>Checks the values and returns the same options.</summary>
    public WaClientOptions Validate()
    {
        ArgumentNullException.ThrowIfNull(Url);
        ArgumentNullException.ThrowIfNull(Payload);
        ArgumentException.ThrowIfNullOrEmpty(Origin);
        ArgumentException.ThrowIfNullOrEmpty(ClientDisplayName);
        if (KeepaliveIntervalMin <= TimeSpan.Zero || KeepaliveIntervalMax < KeepaliveIntervalMin)
        {
            throw new ArgumentException("The keepalive interval bounds must be positive and ordered.");
        }
        if (IncompleteFrameStallTimeout <= TimeSpan.Zero || IncompleteFrameTimeout < IncompleteFrameStallTimeout)
        {
            throw new ArgumentException("The incomplete-frame timeouts must be positive, the frame limit no shorter than the stall limit.");
        }
        if (ReconnectBaseDelay <= TimeSpan.Zero || ReconnectMaxDelay < ReconnectBaseDelay || ReconnectJitter is < 0 or >= 1)
        {
            throw new ArgumentException("Reconnect delays must be positive and ordered, jitter in [0, 1).");
        }
        if (MessageAckTimeout <= TimeSpan.Zero || MaxRetryReceiptCount < 1 || RetryReceiptAnswerTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("The message ack timeout must be positive and the retry receipt count at least 1.");
        }
        if (MinPreKeyCount < 0 || InitialPreKeyUploadCount <= 0 || PreKeyRefillCount <= 0)
        {
            throw new ArgumentException("Prekey counts must be positive.");
        }
        return this;
    }
}
