namespace CodeChat.Grains.Abstractions.Instances;

/// <summary>Connect to WhatsApp; with <see cref="PhoneNumber"/> (digits with country code) link by pairing code instead of QR.</summary>
[GenerateSerializer]
[Alias("CodeChat.ConnectCommand")]
public sealed record ConnectCommand([property: Id(0)] string? PhoneNumber);
