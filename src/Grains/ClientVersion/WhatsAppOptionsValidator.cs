using CodeChat.Grains.Sessions;
using Microsoft.Extensions.Options;

namespace CodeChat.Grains.ClientVersion;

/// <summary>Refuses to start with WhatsApp settings that cannot work, naming the key (checked at start-up).</summary>
public sealed class WhatsAppOptionsValidator : IValidateOptions<WhatsAppOptions>
{
    public ValidateOptionsResult Validate(string? name, WhatsAppOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        try
        {
            _ = WhatsAppVersionSettings.From(options);
            _ = options.ToClientOptions();
            return ValidateOptionsResult.Success;
        }
        catch (Exception exception) when (exception is InvalidOperationException or ArgumentException)
        {
            return ValidateOptionsResult.Fail(exception.Message);
        }
    }
}
