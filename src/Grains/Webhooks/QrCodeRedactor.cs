using System.Text.Json.Nodes;
using CodeChat.Grains.Abstractions.Events;
using CodeChat.Grains.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CodeChat.Grains.Webhooks;

/// <summary>
/// Takes the secrets out of stored <c>qrcode.updated</c> events (the QR string carries the device's
/// ADV secret; a pairing code links the account) and <c>passkey.confirmation</c> events (the code shown
/// to the user): every field of <see cref="QrCodeUpdatedData.SecretFieldPaths"/> and
/// <see cref="PasskeyConfirmationData.SecretFieldPaths"/> present in <c>data</c> becomes null, the rest of
/// the payload (key order included) stays. Due once every line delivering the instance's events has
/// it and <see cref="WebhookOptions.QrCodeStreamGrace"/> passed (a connected <c>/ws/events</c>
/// subscriber reads it well within that), or after <see cref="WebhookOptions.QrCodeRetention"/>
/// regardless. Called by the sweeper for all instances and by a delivery line right after it moved
/// past a QR event. Logs counts only, never a payload.
/// </summary>
public sealed partial class QrCodeRedactor(
    PostgresQrCodeRedactionStore store,
    IOptions<WebhookOptions> options,
    ILogger<QrCodeRedactor> logger)
{
    private const int Batch = 500;

    /// <summary>Redacts every due QR event; returns how many.</summary>
    public Task<int> RedactDueAsync(CancellationToken cancellationToken) => RedactAsync(null, cancellationToken);

    /// <summary>Redacts the due QR events of one instance (after one of its lines moved past one).</summary>
    public Task<int> RedactDueAsync(string instanceName, CancellationToken cancellationToken) =>
        RedactAsync(instanceName, cancellationToken);

    /// <summary>The payload with its secret fields set to null (absent fields stay absent).</summary>
    public static string Redact(string dataJson)
    {
        if (JsonNode.Parse(dataJson) is not JsonObject data)
            return dataJson;
        // qrcode.updated and passkey.confirmation have no field name in common, so one list serves both.
        foreach (var path in QrCodeUpdatedData.SecretFieldPaths.Concat(PasskeyConfirmationData.SecretFieldPaths))
        {
            var segments = path.Split('.');
            var parent = data;
            foreach (var segment in segments[..^1])
                parent = parent?[segment] as JsonObject;
            if (parent is not null && parent.ContainsKey(segments[^1]))
                parent[segments[^1]] = null;
        }

        return data.ToJsonString();
    }

    private async Task<int> RedactAsync(string? instanceName, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var redacted = 0;
        while (true)
        {
            var due = await store.ListDueAsync(instanceName, settings.QrCodeStreamGrace, settings.QrCodeRetention,
                settings.Global.IsConfigured, Batch, cancellationToken);
            foreach (var (id, dataJson) in due)
            {
                if (await store.StoreRedactedAsync(id, Redact(dataJson), cancellationToken))
                    redacted++;
            }

            if (due.Count < Batch)
                break;
        }

        if (redacted > 0)
            LogRedacted(redacted);
        return redacted;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Redacted the codes of {Count} stored qrcode.updated / passkey.confirmation events")]
    private partial void LogRedacted(int count);
}
