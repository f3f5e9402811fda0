using Microsoft.Extensions.Options;

namespace CodeChat.Grains.Webhooks;

public enum WebhookDecisionKind
{
    Delivered,
    Retry,
    DeadLetter,
    /// <summary>410 Gone: the receiver wants no more; the endpoint is switched off.</summary>
    Gone,
}

/// <summary>What to do after an attempt, and when to try again.</summary>
public sealed record WebhookDecision(WebhookDecisionKind Kind, DateTimeOffset? NextAttemptAt, string? Error);

/// <summary>
/// The contract's retry rules (api-contract.md §4): network errors, timeouts, 408, 425, 429 and 5xx
/// are retried on the schedule (±jitter, at least the receiver's <c>Retry-After</c>) until the budget
/// since the first failure is used up; any other answer is final.
/// </summary>
public sealed class WebhookRetryPolicy(IOptions<WebhookOptions> options)
{
    private WebhookOptions Options => options.Value;

    /// <param name="failedAttempts">Failed attempts of this event on this line before this one.</param>
    /// <param name="firstFailedAt">When the first of them failed (null before any failure).</param>
    public WebhookDecision Decide(WebhookDeliveryResponse response, int failedAttempts, DateTimeOffset? firstFailedAt, DateTimeOffset now)
    {
        if (response.IsSuccess)
            return new WebhookDecision(WebhookDecisionKind.Delivered, null, null);
        var error = response.Error ?? $"HTTP {response.StatusCode}";
        if (response.StatusCode == 410)
            return new WebhookDecision(WebhookDecisionKind.Gone, null, error);
        if (!IsRetryable(response.StatusCode))
            return new WebhookDecision(WebhookDecisionKind.DeadLetter, null, error);

        var deadline = (firstFailedAt ?? now) + Options.RetryBudget;
        if (now >= deadline)
            return new WebhookDecision(WebhookDecisionKind.DeadLetter, null, error);
        var wait = Jittered(Delay(failedAttempts));
        if (response.RetryAfter is { } asked && asked > wait)
            wait = asked < Options.MaxRetryAfter ? asked : Options.MaxRetryAfter;
        var next = now + wait;
        // The last try happens when the budget ends, not after it.
        return new WebhookDecision(WebhookDecisionKind.Retry, next < deadline ? next : deadline, error);
    }

    public static bool IsRetryable(int? statusCode) =>
        statusCode is null or 408 or 425 or 429 or >= 500 and <= 599;

    private TimeSpan Delay(int failedAttempts)
    {
        var schedule = Options.EffectiveRetrySchedule;
        return schedule[Math.Min(failedAttempts, schedule.Count - 1)];
    }

    private TimeSpan Jittered(TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero || Options.Jitter <= 0)
            return delay;
        var factor = 1 + ((Random.Shared.NextDouble() * 2) - 1) * Options.Jitter;
        return delay * factor;
    }
}
