using Microsoft.Extensions.Options;

namespace CodeChat.Grains.Queues;

/// <summary>Refuses a start with <c>SendQueues</c> settings the queues cannot use, naming the setting.</summary>
public sealed class SendQueueOptionsValidator : IValidateOptions<SendQueueOptions>
{
    public ValidateOptionsResult Validate(string? name, SendQueueOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Validate() is { } failure ? ValidateOptionsResult.Fail(failure) : ValidateOptionsResult.Success;
    }
}
