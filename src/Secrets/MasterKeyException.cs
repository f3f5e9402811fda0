namespace CodeChat.Secrets;

/// <summary>The master key is missing, malformed or does not open the stored key ring: the host cannot start.</summary>
public sealed class MasterKeyException(string message, Exception? innerException = null) : Exception(message, innerException);
