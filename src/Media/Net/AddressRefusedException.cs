namespace CodeChat.Media.Net;

/// <summary>A host resolved only to addresses the <see cref="PublicAddressPolicy"/> refuses.</summary>
public sealed class AddressRefusedException(string message) : IOException(message);
