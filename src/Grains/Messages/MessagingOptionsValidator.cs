using Microsoft.Extensions.Options;

namespace CodeChat.Grains.Messages;

/// <summary>Refuses a start with <c>Messaging</c> settings the send pipeline cannot use, naming the setting.</summary>
public sealed class MessagingOptionsValidator : IValidateOptions<MessagingOptions>
{
    public ValidateOptionsResult Validate(string? name, MessagingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Validate() is { } failure ? ValidateOptionsResult.Fail(failure) : ValidateOptionsResult.Success;
    }
}
