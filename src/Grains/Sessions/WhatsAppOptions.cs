using System.Globalization;
using CodeChat.Grains.ClientVersion;
using CodeChat.WhatsApp.Client;
using CodeChat.WhatsApp.Crypto;

namespace CodeChat.Grains.Sessions;

/// <summary>
/// Configuration section "WhatsApp": where the instances connect and which certificate root they
/// trust. Empty values keep the production defaults (wss://web.whatsapp.com/ws/chat and WhatsApp's
/// root key); tests point <see cref="Url"/> and <see cref="TrustedRootKey"/> at the emulator.
/// </summary>
public sealed class WhatsAppOptions
{
    public const string SectionName = "WhatsApp";

    /// <summary>WebSocket endpoint, e.g. <c>ws://127.0.0.1:5555/ws/chat</c>.</summary>
    public string? Url { get; set; }

    /// <summary>The certificate root's Curve25519 public key as 64 hex digits.</summary>
    public string? TrustedRootKey { get; set; }

    /// <summary>Serial the intermediate certificate names as its issuer; WhatsApp's root is 0.</summary>
    public uint? TrustedRootSerial { get; set; }

    /// <summary>Validity of the first QR of a connection (the protocol's default is about 60 s).</summary>
    public TimeSpan? QrFirstRefTimeout { get; set; }

    /// <summary>Validity of each following QR (about 20 s).</summary>
    public TimeSpan? QrNextRefTimeout { get; set; }

    /// <summary>How long a passkey linking may take before the attempt is dropped (default 5 minutes, the handoff key's lifetime).</summary>
    public TimeSpan? PasskeyFlowTimeout { get; set; }

    /// <summary>"Browser (OS)" shown on the phone in "Linked devices" for pairing codes.</summary>
    public string? ClientDisplayName { get; set; }

    /// <summary>
    /// WhatsApp Web version to claim (<c>2.3000.x</c>) when none is stored cluster-wide; absent keeps the
    /// compiled-in <see cref="WhatsAppWebVersion.Default"/>.
    /// </summary>
    public string? Version { get; set; }

    /// <summary>
    /// The service worker the version refresher reads (https); absent means WhatsApp Web's own
    /// (<see cref="WhatsAppVersionSettings.WhatsAppServiceWorker"/>), <c>off</c> or empty turns the refresher off.
    /// </summary>
    public string? VersionSource { get; set; }

    /// <summary>
    /// How often the refresher checks (a TimeSpan, at least one minute); absent means hourly, <c>off</c>,
    /// <c>0</c> or empty means only right after an instance was refused with 405.
    /// </summary>
    public string? VersionRefresh { get; set; }

    /// <summary>
    /// How long a message we could not decrypt waits for the sender's resend before <c>general.error</c>
    /// reports it (default 60 s, <see cref="WaClientOptions.RetryReceiptAnswerTimeout"/>).
    /// </summary>
    public TimeSpan? RetryReceiptAnswerTimeout { get; set; }

    /// <summary>The client options these settings stand for; throws on a malformed URL or key.</summary>
    public WaClientOptions ToClientOptions()
    {
        var options = new WaClientOptions
        {
            // No feature reads raw stanzas yet; not raising them keeps a connected instance cheap.
            RaiseNodeReceived = false,
        };
        if (WhatsAppVersionSettings.From(this).Configured is { } version)
            options = options with { Payload = options.Payload with { Version = version } };
        if (!string.IsNullOrWhiteSpace(Url))
        {
            if (!Uri.TryCreate(Url, UriKind.Absolute, out var url) || url.Scheme is not ("ws" or "wss"))
                throw new InvalidOperationException($"WhatsApp:Url must be an absolute ws:// or wss:// URL, not '{Url}'.");
            options = options with { Url = url };
        }
        if (!string.IsNullOrWhiteSpace(TrustedRootKey))
        {
            byte[] key;
            try
            {
                key = Convert.FromHexString(TrustedRootKey.Trim());
            }
            catch (FormatException exception)
            {
                throw new InvalidOperationException("WhatsApp:TrustedRootKey must be hexadecimal.", exception);
            }
            if (!Curve25519PublicKey.TryFromBytes(key, out var rootKey))
                throw new InvalidOperationException("WhatsApp:TrustedRootKey must be a 32-byte Curve25519 public key.");
            options = options with { TrustedRootPublicKey = rootKey };
        }
        if (TrustedRootSerial is { } serial)
            options = options with { TrustedRootSerial = serial };
        if (QrFirstRefTimeout is { } first)
            options = options with { QrFirstRefTimeout = first };
        if (QrNextRefTimeout is { } next)
            options = options with { QrNextRefTimeout = next };
        if (PasskeyFlowTimeout is { } passkey)
            options = options with { PasskeyFlowTimeout = passkey };
        if (!string.IsNullOrWhiteSpace(ClientDisplayName))
            options = options with { ClientDisplayName = ClientDisplayName };
        if (RetryReceiptAnswerTimeout is { } answer)
            options = options with { RetryReceiptAnswerTimeout = answer };
        return options.Validate();
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"WhatsApp endpoint {(string.IsNullOrWhiteSpace(Url) ? "production" : Url)}, root {(string.IsNullOrWhiteSpace(TrustedRootKey) ? "production" : "configured")}");
}
