using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CodeChat.Grains.Abstractions.Events;
using CodeChat.Testing;
using CodeChat.WaEmulator.Model;
using CodeChat.WaEmulator.Protocol;
using CodeChat.WhatsApp.ServerSide;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CodeChat.Session.Tests;

/// <summary>
/// Passkey-required linking end to end (issue 15, whatsapp-protocol.md §4.5): REST routes → InstanceGrain →
/// WaClient → the emulator, whose account requires a passkey; the test plays the authenticator and the
/// browser (TestPasskeyAuthenticator, .NET ECDsa P-256) and posts the assertion through the real HTTP
/// pipeline, on real PostgreSQL.
/// </summary>
public sealed class InstancePasskeyTests(PostgresServerFixture postgres, EmulatorFixture emulator) : IClassFixture<EmulatorFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string NewName() => "pk-" + Guid.NewGuid().ToString("N")[..10];

    private async Task<SessionHost> StartHostAsync(string? connectionString = null, RecordingLoggerProvider? logs = null, TimeSpan? flowTimeout = null)
    {
        var settings = new Dictionary<string, string?>();
        if (flowTimeout is { } timeout)
            settings["WhatsApp:PasskeyFlowTimeout"] = timeout.ToString("c");
        return new SessionHost(connectionString ?? await postgres.CreateDatabaseAsync(Ct), emulator.Server, settings: settings,
            services: logs is null ? null : services => services.AddSingleton<ILoggerProvider>(logs));
    }

    private (EmulatedAccount Account, TestPasskeyAuthenticator Authenticator) PasskeyAccount()
    {
        var authenticator = new TestPasskeyAuthenticator();
        var account = emulator.Emulator.CreateAccount();
        emulator.Emulator.RequirePasskey(account, authenticator.CredentialId, authenticator.PublicKey);
        return (account, authenticator);
    }

    /// <summary>create → connect → QR → the phone scans → WhatsApp asks for the passkey; returns once the route shows it.</summary>
    private async Task<Flow> ScanIntoPasskeyAsync(SessionHost host, EmulatedAccount account, string? name = null)
    {
        name ??= NewName();
        if ((await host.GetAsync($"/instance/connectionState/{name}")).Status == 404)
            await host.CreateInstanceAsync(name);
        var (status, qr) = await host.ConnectForQrAsync(name);
        Assert.Equal(200, status);
        var scan = emulator.Emulator.ScanQrAsync(qr.GetProperty("code").GetString()!, account, Ct);
        var pending = await WaitForStageAsync(host, name, "awaiting_assertion");
        return new Flow(name, scan, pending.GetProperty("publicKey").GetRawText(), qr.GetProperty("code").GetString()!);
    }

    private sealed record Flow(string Name, Task<LinkedDevice> Link, string PublicKeyJson, string Qr);

    private static async Task<JsonElement> WaitForStageAsync(SessionHost host, string name, string stage)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        JsonElement last = default;
        while (DateTime.UtcNow < deadline)
        {
            var (status, body) = await host.GetAsync($"/instance/passkey/{name}");
            Assert.Equal(200, status);
            last = body;
            if (body.GetProperty("stage").GetString() == stage)
                return body;
            await Task.Delay(100, Ct);
        }
        Assert.Fail($"Instance {name} stayed at passkey stage {last} instead of {stage}.");
        return default;
    }

    private static async Task<(int Status, JsonElement Body)> PostAsync(HttpClient http, string path, string json)
    {
        using var response = await http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"), Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        using var document = JsonDocument.Parse(text.Length == 0 ? "null" : text);
        return ((int)response.StatusCode, document.RootElement.Clone());
    }

    private static async Task<InstanceEventRecord> WaitForEventAsync(SessionHost host, string name, string eventName)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if ((await host.EventsAsync(name)).FirstOrDefault(e => e.Event == eventName) is { } found)
                return found;
            await Task.Delay(100, Ct);
        }
        Assert.Fail($"No {eventName} event for {name}.");
        return null!;
    }

    [Fact]
    public async Task Scan_passkey_assertion_and_confirmation_link_the_instance_which_stays_linked_after_a_restart()
    {
        var logs = new RecordingLoggerProvider();
        var connectionString = await postgres.CreateDatabaseAsync(Ct);
        var (account, authenticator) = PasskeyAccount();
        using var _ = authenticator;
        string name;
        LinkedDevice device;
        await using (var host = await StartHostAsync(connectionString, logs))
        {
            var flow = await ScanIntoPasskeyAsync(host, account);
            name = flow.Name;

            // While it lasts the stage shows beside the connection state.
            var (_, state) = await host.GetAsync($"/instance/connectionState/{name}");
            Assert.Equal("connecting", state.GetProperty("state").GetString());
            Assert.Equal("awaiting_assertion", state.GetProperty("passkey").GetString());
            var (_, fetched) = await host.GetAsync($"/instance/fetchInstance/{name}");
            Assert.Equal("awaiting_assertion", fetched.GetProperty("Whatsapp").GetProperty("connection").GetProperty("passkey").GetString());
            var request = await WaitForEventAsync(host, name, InstanceEventNames.PasskeyRequest);
            using (var data = JsonDocument.Parse(request.DataJson))
            {
                Assert.Equal(name, data.RootElement.GetProperty("instance").GetString());
                Assert.Equal(JsonDocument.Parse(flow.PublicKeyJson).RootElement.GetProperty("challenge").GetString(),
                    data.RootElement.GetProperty("publicKey").GetProperty("challenge").GetString());
                Assert.Equal($"/instance/passkey/{name}/assertion", data.RootElement.GetProperty("answerPath").GetString());
            }

            // The browser on WhatsApp Web: navigator.credentials.get({publicKey}) → toJSON() → the gateway.
            var (assertionStatus, afterAssertion) = await PostAsync(host.Http, $"/instance/passkey/{name}/assertion", authenticator.Assert(flow.PublicKeyJson));
            Assert.Equal(200, assertionStatus);
            Assert.Equal("awaiting_confirmation", afterAssertion.GetProperty("stage").GetString());
            var code = afterAssertion.GetProperty("code").GetString()!;
            Assert.True(afterAssertion.GetProperty("skipHandoff").GetBoolean());
            var onPhone = Assert.Single(emulator.Emulator.PasskeyLinkings, l => l.Phone == account.Phone);
            Assert.Equal(onPhone.ConfirmationCode, code.Replace("-", "", StringComparison.Ordinal));
            Assert.Matches("^[1-9A-HJ-NP-TV-Z]{4}-[1-9A-HJ-NP-TV-Z]{4}$", code);
            var confirmationEvent = await WaitForEventAsync(host, name, InstanceEventNames.PasskeyConfirmation);
            Assert.Contains("\"skipHandoff\":true", confirmationEvent.DataJson, StringComparison.Ordinal);

            var (confirmStatus, confirmed) = await PostAsync(host.Http, $"/instance/passkey/{name}/confirm", $$"""{"code":"{{code}}"}""");
            Assert.Equal(200, confirmStatus);
            Assert.Equal("none", confirmed.GetProperty("stage").GetString());
            device = await flow.Link.WaitAsync(TimeSpan.FromSeconds(60), Ct);
            Assert.Equal(200, await host.WaitForStateAsync(name, "open"));
            var (_, openState) = await host.GetAsync($"/instance/connectionState/{name}");
            Assert.False(openState.TryGetProperty("passkey", out var _), openState.ToString());

            // Nothing secret in the logs: neither the confirmation code nor the challenge.
            Assert.DoesNotContain(logs.Lines, line => line.Contains(code, StringComparison.Ordinal)
                || line.Contains(code.Replace("-", "", StringComparison.Ordinal), StringComparison.Ordinal));
            Assert.DoesNotContain(logs.Lines, line => line.Contains(onPhone.Challenge, StringComparison.Ordinal));
        }

        await using (var restarted = await StartHostAsync(connectionString))
        {
            // Linked for good: the restarted gateway logs in without a QR or a passkey.
            await restarted.GetAsync($"/instance/connectionState/{name}");
            Assert.Equal(200, await restarted.WaitForStateAsync(name, "open", TimeSpan.FromSeconds(90)));
            Assert.True(emulator.Emulator.IsOnline(device));
        }
    }

    [Fact]
    public async Task Pairing_code_path_with_a_passkey_confirms_without_the_code_when_the_handoff_vouched()
    {
        await using var host = await StartHostAsync();
        var (account, authenticator) = PasskeyAccount();
        using var _ = authenticator;
        var name = NewName();
        await host.CreateInstanceAsync(name);
        var (status, body) = await host.GetAsync($"/instance/connect/{name}/code/{account.Phone}");
        Assert.Equal(200, status);

        var typed = emulator.Emulator.EnterPairingCodeAsync(account, body.GetProperty("code").GetString()!, Ct);
        var pending = await WaitForStageAsync(host, name, "awaiting_assertion");
        var (assertionStatus, afterAssertion) = await PostAsync(host.Http, $"/instance/passkey/{name}/assertion",
            authenticator.Assert(pending.GetProperty("publicKey").GetRawText()));
        Assert.Equal(200, assertionStatus);
        Assert.True(afterAssertion.GetProperty("skipHandoff").GetBoolean());

        var (confirmStatus, _) = await PostAsync(host.Http, $"/instance/passkey/{name}/confirm", "{}");

        Assert.Equal(200, confirmStatus);
        await typed.WaitAsync(TimeSpan.FromSeconds(60), Ct);
        Assert.Equal(200, await host.WaitForStateAsync(name, "open"));
    }

    [Fact]
    public async Task A_forged_assertion_is_refused_nothing_links_and_the_next_connect_gives_a_new_qr()
    {
        await using var host = await StartHostAsync();
        var (account, authenticator) = PasskeyAccount();
        using var _ = authenticator;
        using var forger = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var flow = await ScanIntoPasskeyAsync(host, account);
        var publicKey = JsonDocument.Parse(flow.PublicKeyJson).RootElement;

        var forged = authenticator.Assert(publicKey.GetProperty("challenge").GetString()!, publicKey.GetProperty("rpId").GetString()!, "https://web.whatsapp.com", forger);
        var (status, body) = await PostAsync(host.Http, $"/instance/passkey/{flow.Name}/assertion", forged);

        Assert.Equal(400, status);
        Assert.Contains("refused", body.GetProperty("message")[0].GetString()!, StringComparison.Ordinal);
        await Assert.ThrowsAsync<InvalidOperationException>(() => flow.Link.WaitAsync(TimeSpan.FromSeconds(30), Ct));
        await AssertEndedAsync(host, flow.Name, account, "assertion_refused", 403);
    }

    [Fact]
    public async Task A_wrong_code_ends_the_linking_and_its_assertion_cannot_be_replayed_later()
    {
        await using var host = await StartHostAsync();
        var (account, authenticator) = PasskeyAccount();
        using var _ = authenticator;
        var first = await ScanIntoPasskeyAsync(host, account);
        var firstAssertion = authenticator.Assert(first.PublicKeyJson);
        var (assertionStatus, pending) = await PostAsync(host.Http, $"/instance/passkey/{first.Name}/assertion", firstAssertion);
        Assert.Equal(200, assertionStatus);
        var code = pending.GetProperty("code").GetString()!;
        var wrong = code[..^1] + (code[^1] == 'Z' ? 'Y' : 'Z');

        var (confirmStatus, refusal) = await PostAsync(host.Http, $"/instance/passkey/{first.Name}/confirm", $$"""{"code":"{{wrong}}"}""");

        Assert.Equal(400, confirmStatus);
        Assert.Contains("\"code\"", refusal.GetRawText(), StringComparison.Ordinal);
        await AssertEndedAsync(host, first.Name, account, "code_mismatch", 403);
        // The phone never got a pairing request: the attempt dies with the closed connection.
        await Assert.ThrowsAsync<InvalidOperationException>(() => first.Link.WaitAsync(TimeSpan.FromSeconds(30), Ct));

        // A new connect starts over; the old assertion (the old challenge) is refused.
        var second = await ScanIntoPasskeyAsync(host, account, first.Name);
        var (replayStatus, _) = await PostAsync(host.Http, $"/instance/passkey/{second.Name}/assertion", firstAssertion);
        Assert.Equal(400, replayStatus);
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => second.Link.WaitAsync(TimeSpan.FromSeconds(30), Ct));
        Assert.Contains("challenge", failure.Message, StringComparison.Ordinal);
        Assert.Empty(account.Devices);
    }

    [Fact]
    public async Task An_unfinished_linking_times_out_to_a_clear_state()
    {
        await using var host = await StartHostAsync(flowTimeout: TimeSpan.FromSeconds(3));
        var (account, authenticator) = PasskeyAccount();
        using var _ = authenticator;
        var flow = await ScanIntoPasskeyAsync(host, account);

        var error = await WaitForEventAsync(host, flow.Name, InstanceEventNames.PasskeyError);

        Assert.Contains("\"reason\":\"timeout\"", error.DataJson, StringComparison.Ordinal);
        Assert.Equal(408, await host.WaitForStateAsync(flow.Name, "close"));
        await AssertEndedAsync(host, flow.Name, account, "timeout", 408);
        var (_, state) = await host.GetAsync($"/instance/connectionState/{flow.Name}");
        Assert.False(state.TryGetProperty("passkey", out var _), state.ToString());
        await Assert.ThrowsAsync<InvalidOperationException>(() => flow.Link.WaitAsync(TimeSpan.FromSeconds(30), Ct));

        // The next connect starts clean: a first QR of a new attempt, which the phone can scan into a new request.
        var (status, qr) = await host.ConnectForQrAsync(flow.Name);
        Assert.Equal(200, status);
        Assert.Equal(1, qr.GetProperty("count").GetInt32());
        Assert.NotEqual(flow.Qr, qr.GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_restart_mid_flow_leaves_a_clean_instance_that_connects_with_a_new_qr()
    {
        var connectionString = await postgres.CreateDatabaseAsync(Ct);
        var (account, authenticator) = PasskeyAccount();
        using var _ = authenticator;
        string name;
        await using (var host = await StartHostAsync(connectionString))
        {
            var flow = await ScanIntoPasskeyAsync(host, account);
            name = flow.Name;
        }

        await using var restarted = await StartHostAsync(connectionString);
        var (_, passkey) = await restarted.GetAsync($"/instance/passkey/{name}");
        Assert.Equal("none", passkey.GetProperty("stage").GetString());
        await restarted.WaitForStateAsync(name, "close");
        var (status, qr) = await restarted.ConnectForQrAsync(name);
        Assert.Equal(200, status);
        Assert.Equal(1, qr.GetProperty("count").GetInt32());
        Assert.Empty(account.Devices);
    }

    [Fact]
    public async Task Passkey_routes_need_a_key_an_instance_the_right_stage_and_well_formed_input()
    {
        await using var host = await StartHostAsync();
        Assert.Equal(404, (await host.GetAsync("/instance/passkey/no-such-instance")).Status);
        Assert.Equal(404, (await PostAsync(host.Http, "/instance/passkey/no-such-instance/confirm", "{}")).Status);
        var name = NewName();
        await host.CreateInstanceAsync(name);
        using var anonymous = host.CreateClient();
        using (var response = await anonymous.GetAsync($"/instance/passkey/{name}", Ct))
            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, response.StatusCode);

        var (idleStatus, idle) = await host.GetAsync($"/instance/passkey/{name}");
        Assert.Equal(200, idleStatus);
        Assert.Equal("""{"stage":"none"}""", idle.GetRawText());
        using var authenticator = new TestPasskeyAuthenticator();
        var wellFormed = authenticator.Assert("AAAA", "whatsapp.com", "https://web.whatsapp.com");
        Assert.Equal(409, (await PostAsync(host.Http, $"/instance/passkey/{name}/assertion", wellFormed)).Status);
        Assert.Equal(409, (await PostAsync(host.Http, $"/instance/passkey/{name}/confirm", """{"code":"ABCD-EFGH"}""")).Status);

        var broken = JsonSerializer.Serialize(new { id = "AQI", rawId = "AQI", type = "public-key", response = new { clientDataJSON = "e30", authenticatorData = "AQ", signature = "%%" } });
        var (badStatus, bad) = await PostAsync(host.Http, $"/instance/passkey/{name}/assertion", broken);
        Assert.Equal(400, badStatus);
        Assert.Contains("response.signature", bad.GetRawText(), StringComparison.Ordinal);
        var (badCodeStatus, badCode) = await PostAsync(host.Http, $"/instance/passkey/{name}/confirm", """{"code":"0000"}""");
        Assert.Equal(400, badCodeStatus);
        Assert.Contains("\"code\"", badCode.GetRawText(), StringComparison.Ordinal);

        // CORS: WhatsApp Web's origin may call the passkey routes (the helper script), nothing else may.
        Assert.Equal("https://web.whatsapp.com", await PreflightAsync(anonymous, $"/instance/passkey/{name}/assertion", "https://web.whatsapp.com"));
        Assert.Null(await PreflightAsync(anonymous, $"/instance/passkey/{name}/assertion", "https://evil.example"));
        Assert.Null(await PreflightAsync(anonymous, $"/instance/connectionState/{name}", "https://web.whatsapp.com"));
        using (var fromWhatsAppWeb = new HttpRequestMessage(HttpMethod.Get, $"/instance/passkey/{name}"))
        {
            fromWhatsAppWeb.Headers.Add("Origin", "https://web.whatsapp.com");
            using var answer = await host.Http.SendAsync(fromWhatsAppWeb, Ct);
            Assert.Equal(System.Net.HttpStatusCode.OK, answer.StatusCode);
            Assert.Equal("https://web.whatsapp.com", Assert.Single(answer.Headers.GetValues("Access-Control-Allow-Origin")));
        }

        // The instance's own token is enough.
        using var created = await host.Http.PostAsJsonAsync("/instance/create", new { instanceName = name + "-t" }, Ct);
        var token = (await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("Auth").GetProperty("token").GetString()!;
        anonymous.DefaultRequestHeaders.Add("apikey", token);
        using (var own = await anonymous.GetAsync($"/instance/passkey/{name}-t", Ct))
            Assert.Equal(System.Net.HttpStatusCode.OK, own.StatusCode);
    }

    /// <summary>A CORS preflight for a POST with the helper's headers; the allowed origin it answers, or null.</summary>
    private static async Task<string?> PreflightAsync(HttpClient http, string path, string origin)
    {
        using var preflight = new HttpRequestMessage(HttpMethod.Options, path);
        preflight.Headers.Add("Origin", origin);
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "apikey,content-type");
        using var response = await http.SendAsync(preflight, Ct);
        return response.Headers.TryGetValues("Access-Control-Allow-Origin", out var values) ? values.Single() : null;
    }

    /// <summary>Closed with <paramref name="statusReason"/>, no passkey stage, passkey.error with <paramref name="reason"/>, not linked, and a new QR on connect.</summary>
    private async Task AssertEndedAsync(SessionHost host, string name, EmulatedAccount account, string reason, int statusReason)
    {
        Assert.Equal(statusReason, await host.WaitForStateAsync(name, "close"));
        var (_, passkey) = await host.GetAsync($"/instance/passkey/{name}");
        Assert.Equal("none", passkey.GetProperty("stage").GetString());
        var error = await WaitForEventAsync(host, name, InstanceEventNames.PasskeyError);
        Assert.Contains($"\"reason\":\"{reason}\"", error.DataJson, StringComparison.Ordinal);
        Assert.Empty(account.Devices);
        // The closed connection took the attempt with it on the server too.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (emulator.Emulator.PasskeyLinkings.Any(l => l.Phone == account.Phone) && DateTime.UtcNow < deadline)
            await Task.Delay(100, Ct);
        Assert.DoesNotContain(emulator.Emulator.PasskeyLinkings, l => l.Phone == account.Phone);
    }
}
