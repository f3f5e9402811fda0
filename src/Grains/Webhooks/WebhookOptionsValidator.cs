using CodeChat.Grains.Abstractions.Webhooks;
using Microsoft.Extensions.Options;

namespace CodeChat.Grains.Webhooks;

/// <summary>Refuses to start with webhook settings that cannot work, naming the key.</summary>
public sealed class WebhookOptionsValidator : IValidateOptions<WebhookOptions>
{
    public ValidateOptionsResult Validate(string? name, WebhookOptions options)
    {
        var failures = new List<string>();
        if (options.Timeout <= TimeSpan.Zero)
            failures.Add("Webhooks:Timeout must be positive.");
        if (options.RetrySchedule.Any(delay => delay < TimeSpan.Zero))
            failures.Add("Webhooks:RetrySchedule entries must not be negative.");
        if (options.Jitter is < 0 or >= 1)
            failures.Add("Webhooks:Jitter must be at least 0 and below 1.");
        if (options.SweepInterval <= TimeSpan.Zero)
            failures.Add("Webhooks:SweepInterval must be positive.");
        if (options.QrCodeRetention <= TimeSpan.Zero)
            failures.Add("Webhooks:QrCodeRetention must be positive.");
        if (options.QrCodeStreamGrace < TimeSpan.Zero || options.QrCodeStreamGrace > options.QrCodeRetention)
            failures.Add("Webhooks:QrCodeStreamGrace must be between 0 and Webhooks:QrCodeRetention.");
        try
        {
            _ = new WebhookAddressPolicy(options.AllowedNetworks);
        }
        catch (InvalidOperationException exception)
        {
            failures.Add(exception.Message);
        }

        var global = options.Global;
        if (global.IsConfigured)
        {
            if (!Uri.TryCreate(global.Url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
                failures.Add("Webhooks:Global:Url must be an absolute http or https URL.");
            if (!WebhookSigner.IsValidSecret(global.Secret))
                failures.Add("Webhooks:Global:Secret must be a Standard Webhooks secret (whsec_ followed by base64 of 24 to 64 bytes).");
            WebhookEventFlags.Canonicalize(global.Events, out var unknown);
            if (unknown.Count > 0)
                failures.Add($"Webhooks:Global:Events has unknown event flags: {string.Join(", ", unknown)}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
