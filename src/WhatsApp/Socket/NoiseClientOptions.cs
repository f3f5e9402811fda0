using CodeChat.WhatsApp.Crypto;

namespace CodeChat.WhatsApp.Socket;

/// <summary>How a client connects and which server it trusts.</summary>
public sealed class NoiseClientOptions : NoiseSocketOptions
{
    public static readonly Uri WhatsAppUrl = new("wss://web.whatsapp.com/ws/chat");

    public const string WhatsAppOrigin = "https://web.whatsapp.com";

    public Uri Url { get; init; } = WhatsAppUrl;

    /// <summary>The Origin header; WhatsApp requires it.</summary>
    public string Origin { get; init; } = WhatsAppOrigin;

    public string? UserAgent { get; init; }

    /// <summary>Chain verification against the trusted root; defaults to WhatsApp's production root.</summary>
    public CertificateChainVerifier CertificateVerifier { get; init; } = new();

    /// <summary>Routing info from an earlier &lt;edge_routing&gt;, sent before the intro header when present.</summary>
    public ReadOnlyMemory<byte> EdgeRoutingInfo { get; init; }

    /// <summary>Fixed ephemeral key for reproducible tests; null generates one per connection.</summary>
    public Curve25519KeyPair? EphemeralKey { get; init; }
}
