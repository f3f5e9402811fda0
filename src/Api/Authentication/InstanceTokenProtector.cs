using System.Security.Cryptography;
using CodeChat.Secrets;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging;

namespace CodeChat.Api.Authentication;

/// <summary>
/// Encrypts instance tokens for storage and opens them again for the callers allowed to see them
/// (api-contract.md §6: the global-key holder recovers tokens through fetchInstances).
/// </summary>
public sealed partial class InstanceTokenProtector(IDataProtectionProvider protection, ILogger<InstanceTokenProtector> logger)
{
    private readonly IDataProtector protector = protection.CreateProtector(SecretPurposes.InstanceToken);

    public string Protect(string token) => protector.Protect(token);

    /// <summary>
    /// The token in clear, or null when none was kept (issued before tokens were kept) or the stored
    /// value cannot be opened (logged without the value; the instance still works, its token is hidden).
    /// </summary>
    public string? Reveal(string instanceName, string? protectedToken)
    {
        if (protectedToken is null)
            return null;
        try
        {
            return protector.Unprotect(protectedToken);
        }
        catch (CryptographicException exception)
        {
            LogUnreadable(instanceName, exception.GetType().Name);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The stored token of instance {InstanceName} cannot be decrypted ({Error}); it is left out of the answer")]
    private partial void LogUnreadable(string instanceName, string error);
}
