using CodeChat.WaEmulator.Model;
using CodeChat.WhatsApp.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace CodeChat.WaEmulator;

/// <summary>The HTTP face of the test API (under /_emulator), for harnesses that do not run in-process.</summary>
internal static class ControlApi
{
    public sealed record CreateAccountRequest(string? Phone, string? PushName);

    public sealed record ScanRequest(string Qr, string Phone);

    /// <param name="Reason">"device_removed" (default: stream error 401, device unlinked) or "replaced" (conflict, device kept).</param>
    public sealed record KickRequest(string Phone, int Device, string? Reason = null);

    public sealed record PairingCodeRequest(string Phone, string Code);

    /// <param name="Patch">A serialized SyncdPatch (base64) the phone applies on top of the collection, e.g. built by Baileys' encodeSyncdPatch.</param>
    public sealed record AppStatePatchRequest(string Phone, string Collection, string Patch);

    /// <param name="From">The caller's phone number.</param>
    /// <param name="To">The callee's phone number.</param>
    public sealed record CallRequest(string From, string To, bool Video = false);

    /// <param name="Minimum">Lowest WhatsApp Web version admitted ("2.3000.x"); "none" admits every version.</param>
    /// <param name="Current">The version /sw.js announces.</param>
    public sealed record ClientVersionRequest(string? Minimum, string? Current);

    /// <param name="Phone">The account whose phone sends.</param>
    /// <param name="Device">The companion's device id.</param>
    /// <param name="Message">The <c>waE2E.Message</c>, protobuf bytes in base64 …</param>
    /// <param name="MessageJson">… or as protobuf JSON.</param>
    public sealed record PhoneSendRequest(string Phone, int Device, string? Message, System.Text.Json.JsonElement? MessageJson);

    public static void Map(WebApplication app, Emulator emulator)
    {
        var api = app.MapGroup("/_emulator");
        api.MapGet("/", () => Results.Ok(new
        {
            rootPublicKey = Convert.ToHexStringLower(emulator.Certificates.RootPublicKey.Span),
            accounts = emulator.Accounts.Count,
            connections = emulator.Connections.Count,
        }));
        api.MapGet("/connections", () => Results.Ok(emulator.Connections));
        api.MapGet("/stats", () => Results.Ok(emulator.Stats));
        api.MapPost("/calls", (CallRequest request) =>
            emulator.FindAccount(request.From) is not { } caller ? Results.NotFound(new { error = $"no account {request.From}" })
            : emulator.FindAccount(request.To) is not { } callee ? Results.NotFound(new { error = $"no account {request.To}" })
            : Results.Ok(new { callId = emulator.PlaceCall(caller, callee, request.Video).CallId }));
        api.MapGet("/calls", () => Results.Ok(emulator.Calls.Select(c => new
        {
            callId = c.CallId,
            from = c.Caller.PnJid,
            to = c.Callee.PnJid,
            video = c.Video,
            rejectedBy = c.RejectedBy,
        })));
        api.MapGet("/accounts", () => Results.Ok(emulator.Accounts.Select(a => Describe(emulator, a))));
        api.MapPost("/accounts", (CreateAccountRequest request) =>
        {
            try
            {
                return Results.Ok(Describe(emulator, emulator.CreateAccount(request.Phone, request.PushName)));
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
            {
                return Results.BadRequest(new { error = ex.Message });
            }
        });
        api.MapPost("/scan", async (ScanRequest request, CancellationToken cancellationToken) =>
        {
            if (emulator.FindAccount(request.Phone) is not { } account)
            {
                return Results.NotFound(new { error = $"no account {request.Phone}" });
            }

            try
            {
                var device = await emulator.ScanQrAsync(request.Qr, account, cancellationToken);
                return Results.Ok(new { jid = device.PnJid, lid = device.LidJid, keyIndex = device.KeyIndex });
            }
            catch (Exception ex) when (ex is FormatException or InvalidOperationException or TimeoutException)
            {
                return Results.BadRequest(new { error = ex.Message });
            }
        });
        api.MapGet("/pairing-codes", () => Results.Ok(emulator.PairingCodeRequests));
        api.MapPost("/pairing-code", async (PairingCodeRequest request, CancellationToken cancellationToken) =>
        {
            if (emulator.FindAccount(request.Phone) is not { } account)
            {
                return Results.NotFound(new { error = $"no account {request.Phone}" });
            }

            try
            {
                var device = await emulator.EnterPairingCodeAsync(account, request.Code, cancellationToken);
                return Results.Ok(new { jid = device.PnJid, lid = device.LidJid, keyIndex = device.KeyIndex });
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or TimeoutException)
            {
                return Results.BadRequest(new { error = ex.Message });
            }
        });
        api.MapPost("/kick", (KickRequest request) =>
        {
            if (emulator.FindAccount(request.Phone)?.FindDevice(request.Device) is not { } device)
            {
                return Results.NotFound(new { error = $"no device {request.Phone}:{request.Device}" });
            }

            switch (request.Reason)
            {
                case null or "device_removed":
                    emulator.KickDevice(device);
                    return Results.NoContent();
                case "replaced":
                    return emulator.ReplaceConnection(device) ? Results.NoContent() : Results.Conflict(new { error = "the device is not online" });
                default:
                    return Results.BadRequest(new { error = $"unknown kick reason {request.Reason}" });
            }
        });
        api.MapPost("/phone-send", (PhoneSendRequest request) =>
        {
            if (emulator.FindAccount(request.Phone)?.FindDevice(request.Device) is not { } device)
            {
                return Results.NotFound(new { error = $"no device {request.Phone}:{request.Device}" });
            }

            if (!TryReadMessage(request, out var message, out var error))
            {
                return Results.BadRequest(new { error });
            }

            return Results.Ok(new { id = emulator.SendFromPhone(device, message) });
        });
        api.MapGet("/phone-receipts", (string phone) => emulator.FindAccount(phone) is { } account
            ? Results.Ok(account.PrimaryPhone.ReceiptsFromCompanions)
            : Results.NotFound(new { error = $"no account {phone}" }));
        api.MapPost("/drop-connections", async () =>
        {
            await emulator.DropAllConnectionsAsync();
            return Results.NoContent();
        });
        // the media host's CA, for harnesses that start Node themselves (NODE_EXTRA_CA_CERTS)
        api.MapGet("/media-ca.pem", () => emulator.Media.CertificateAuthorityPem is { } pem
            ? Results.Text(pem, "application/x-pem-file")
            : Results.NotFound());
        api.MapGet("/client-version", () => Results.Ok(DescribeVersions(emulator)));
        api.MapPut("/client-version", (ClientVersionRequest request) =>
        {
            var clearMinimum = request.Minimum == "none";
            if (!TryReadVersion(clearMinimum ? null : request.Minimum, out var minimum))
            {
                return Results.BadRequest(new { error = $"minimum: '{request.Minimum}' is not a version" });
            }

            if (!TryReadVersion(request.Current, out var current))
            {
                return Results.BadRequest(new { error = $"current: '{request.Current}' is not a version" });
            }

            if (clearMinimum)
            {
                emulator.ClientVersions.ClearMinimum();
            }

            emulator.ClientVersions.Set(minimum, current);
            return Results.Ok(DescribeVersions(emulator));
        });
        api.MapGet("/journal", (int? take) => Results.Ok(emulator.Journal.TakeLast(take ?? 200)));
        api.MapPost("/appstate", (AppStatePatchRequest request) =>
        {
            if (emulator.FindAccount(request.Phone) is not { } account)
            {
                return Results.NotFound(new { error = $"no account {request.Phone}" });
            }

            try
            {
                var version = emulator.PushAppStatePatchFromPhone(account, request.Collection, Convert.FromBase64String(request.Patch));
                return Results.Ok(new { collection = request.Collection, version });
            }
            catch (Exception ex) when (ex is FormatException or Google.Protobuf.InvalidProtocolBufferException)
            {
                return Results.BadRequest(new { error = ex.Message });
            }
        });
        api.MapGet("/appstate/{phone}/{collection}", (string phone, string collection) =>
            emulator.FindAccount(phone) is { } account
                ? Results.Ok(new
                {
                    collection,
                    version = account.AppState.Version(collection),
                    patches = account.AppState.PatchesAfter(collection, 0).Select(Convert.ToBase64String),
                })
                : Results.NotFound(new { error = $"no account {phone}" }));
    }

    private static bool TryReadMessage(PhoneSendRequest request, out CodeChat.WhatsApp.Proto.Message message, out string? error)
    {
        message = new CodeChat.WhatsApp.Proto.Message();
        error = null;
        try
        {
            if (request.Message is { } base64)
            {
                message = CodeChat.WhatsApp.Proto.Message.Parser.ParseFrom(Convert.FromBase64String(base64));
                return true;
            }

            if (request.MessageJson is { } json)
            {
                message = Google.Protobuf.JsonParser.Default.Parse<CodeChat.WhatsApp.Proto.Message>(json.GetRawText());
                return true;
            }

            error = "message: give the waE2E.Message as base64 protobuf (message) or protobuf JSON (messageJson)";
            return false;
        }
        catch (Exception ex) when (ex is FormatException or Google.Protobuf.InvalidProtocolBufferException or Google.Protobuf.InvalidJsonException)
        {
            error = "message: " + ex.Message;
            return false;
        }
    }

    /// <summary>Absent is fine (nothing to change); present must be a version.</summary>
    private static bool TryReadVersion(string? text, out WhatsAppWebVersion? version)
    {
        version = null;
        if (text is null)
        {
            return true;
        }

        if (!WhatsAppWebVersion.TryParse(text, out var parsed))
        {
            return false;
        }

        version = parsed;
        return true;
    }

    private static object DescribeVersions(Emulator emulator) => new
    {
        minimum = emulator.ClientVersions.Minimum?.ToString(),
        current = emulator.ClientVersions.Current.ToString(),
        refusals = emulator.ClientVersions.Refusals,
        serviceWorkerFetches = emulator.ClientVersions.ServiceWorkerFetches,
    };

    private static object Describe(Emulator emulator, EmulatedAccount account) => new
    {
        phone = account.Phone,
        jid = account.PnJid,
        lid = account.LidJid,
        pushName = account.PushName,
        devices = account.Devices.Select(d => new
        {
            jid = d.PnJid,
            lid = d.LidJid,
            keyIndex = d.KeyIndex,
            online = emulator.IsOnline(d),
            queued = emulator.QueuedFor(d),
        }),
    };
}
