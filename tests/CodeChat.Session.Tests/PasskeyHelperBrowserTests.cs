using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CodeChat.Session.Tests.Browser;
using CodeChat.Testing;
using CodeChat.WaEmulator;
using CodeChat.WaEmulator.Model;

namespace CodeChat.Session.Tests;

/// <summary>
/// The shipped passkey helper (tools/passkey-helper/codechat-passkey.user.js, unchanged) in a real
/// browser: Debian's Chromium, headless, with a DevTools virtual authenticator holding the emulator
/// account's passkey. A page on http://localhost (a secure context, so WebAuthn works) stands in for
/// WhatsApp Web; the emulator's relying party and origin are set to it and the gateway's
/// <c>Passkey:HelperOrigins</c> allows it. The gateway runs its real HTTP pipeline on a loopback port
/// against PostgreSQL; the user's prompts and confirm dialog are answered through DevTools.
/// </summary>
public sealed class PasskeyHelperBrowserTests(PostgresServerFixture postgres)
{
    /// <summary>Set it to a directory (e.g. tools/passkey-helper/images) to keep the README's screenshots.</summary>
    private const string ScreenshotDirectoryVariable = "CODECHAT_PASSKEY_SCREENSHOTS";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_helper_reads_the_options_signs_with_the_passkey_posts_the_assertion_and_confirms_so_the_instance_links()
    {
        await using var rig = await BrowserRig.StartAsync(postgres);
        using var passkey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var account = rig.PasskeyAccount(passkey);
        await using var browser = await HeadlessChromium.StartAsync(Ct);
        var authenticator = await rig.AddAuthenticatorAsync(browser.Page, passkey);
        var screenshots = new ConcurrentDictionary<string, byte[]>();
        await rig.PauseGatewayCallsForScreenshotsAsync(browser.Page, screenshots);

        var (name, link) = await rig.ScanIntoPasskeyAsync(account);
        await rig.OpenHelperAsync(browser.Page);
        screenshots["1-helper-ready"] = await CaptureAsync(browser.Page);
        var status = await rig.ClickAndWaitAsync(browser.Page, name);

        Assert.StartsWith("Confirmed", status, StringComparison.Ordinal);
        screenshots["4-confirmed"] = await CaptureAsync(browser.Page);
        var device = await link.WaitAsync(TimeSpan.FromSeconds(90), Ct);
        Assert.Equal(200, await rig.Host.WaitForStateAsync(name, "open", TimeSpan.FromSeconds(60)));
        Assert.Contains(device, account.Devices);

        // The confirm dialog showed the code the phone showed.
        var dialog = Assert.Single(rig.ConfirmDialogs);
        Assert.NotNull(rig.CodeOnPhone);
        Assert.Contains(rig.CodeOnPhone!, dialog.Replace("-", "", StringComparison.Ordinal), StringComparison.Ordinal);
        // The virtual authenticator really signed: its counter moved.
        Assert.True(await SignCountAsync(browser.Page, authenticator) > 0);
        Assert.Empty(browser.Page.HandlerFailures);

        Assert.Equal(["1-helper-ready", "2-reading-options", "3-sending-assertion", "4-confirmed"], screenshots.Keys.Order());
        foreach (var png in screenshots.Values)
            Assert.True(png.AsSpan(0, 4).SequenceEqual(new byte[] { 0x89, 0x50, 0x4E, 0x47 }), "not a PNG");
        if (Environment.GetEnvironmentVariable(ScreenshotDirectoryVariable) is { Length: > 0 } directory)
        {
            Directory.CreateDirectory(directory);
            foreach (var (step, png) in screenshots)
                await File.WriteAllBytesAsync(Path.Combine(directory, $"passkey-helper-{step}.png"), png, Ct);
        }
    }

    [Fact]
    public async Task A_passkey_that_is_not_the_accounts_is_refused_by_the_gateway_and_nothing_links()
    {
        await using var rig = await BrowserRig.StartAsync(postgres);
        using var registered = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var account = rig.PasskeyAccount(registered);
        await using var browser = await HeadlessChromium.StartAsync(Ct);
        // Same credential id, another key: the browser answers, the signature cannot verify.
        var authenticator = await rig.AddAuthenticatorAsync(browser.Page, other);

        var (name, link) = await rig.ScanIntoPasskeyAsync(account);
        await rig.OpenHelperAsync(browser.Page);
        var status = await rig.ClickAndWaitAsync(browser.Page, name);

        Assert.StartsWith("Failed: 400", status, StringComparison.Ordinal);
        Assert.Contains("refused", status, StringComparison.Ordinal);
        Assert.True(await SignCountAsync(browser.Page, authenticator) > 0);
        await Assert.ThrowsAsync<InvalidOperationException>(() => link.WaitAsync(TimeSpan.FromSeconds(60), Ct));
        Assert.Equal(403, await rig.Host.WaitForStateAsync(name, "close", TimeSpan.FromSeconds(60)));
        var (_, passkeyState) = await rig.Host.GetAsync($"/instance/passkey/{name}");
        Assert.Equal("none", passkeyState.GetProperty("stage").GetString());
        Assert.Empty(rig.ConfirmDialogs);
        Assert.Empty(account.Devices);
        Assert.Empty(browser.Page.HandlerFailures);
    }

    private static async Task<byte[]> CaptureAsync(DevToolsConnection page)
    {
        var shot = await page.SendAsync("Page.captureScreenshot", new { format = "png" }, Ct);
        return Convert.FromBase64String(shot.GetProperty("data").GetString()!);
    }

    private static async Task<int> SignCountAsync(DevToolsConnection page, string authenticatorId)
    {
        var credentials = await page.SendAsync("WebAuthn.getCredentials", new { authenticatorId }, Ct);
        return Assert.Single(credentials.GetProperty("credentials").EnumerateArray()).GetProperty("signCount").GetInt32();
    }

    /// <summary>The page server, the emulator and the gateway of one test, wired to one another's addresses.</summary>
    private sealed class BrowserRig : IAsyncDisposable
    {
        private readonly MediaFileServer _pages;
        private readonly WaEmulatorServer _emulator;
        private readonly byte[] _credentialId = RandomNumberGenerator.GetBytes(16);
        private readonly byte[] _userHandle = RandomNumberGenerator.GetBytes(8);
        private EmulatedAccount? _account;

        private BrowserRig(MediaFileServer pages, WaEmulatorServer emulator, SessionHost host, Uri pageUrl)
        {
            _pages = pages;
            _emulator = emulator;
            Host = host;
            PageUrl = pageUrl;
        }

        public SessionHost Host { get; }

        public Uri PageUrl { get; }

        public ConcurrentQueue<string> ConfirmDialogs { get; } = new();

        /// <summary>The confirmation code the emulated phone showed when the helper's confirm dialog opened.</summary>
        public string? CodeOnPhone { get; private set; }

        public static async Task<BrowserRig> StartAsync(PostgresServerFixture postgres)
        {
            var pages = await MediaFileServer.StartAsync("127.0.0.1");
            var origin = $"http://localhost:{pages.BaseUrl.Port}";
            var pageUrl = new Uri(pages.Add("whatsapp-web.html", Encoding.UTF8.GetBytes(StandInPage), "text/html; charset=utf-8"));
            pageUrl = new Uri($"{origin}{pageUrl.AbsolutePath}");
            var emulator = await WaEmulatorServer.StartAsync(new WaEmulatorOptions { PasskeyRelyingPartyId = "localhost", PasskeyOrigin = origin });
            var host = new SessionHost(await postgres.CreateDatabaseAsync(Ct), emulator,
                settings: new Dictionary<string, string?> { ["Passkey:HelperOrigins:0"] = origin }, listenOnLoopback: true);
            return new BrowserRig(pages, emulator, host, pageUrl);
        }

        public EmulatedAccount PasskeyAccount(ECDsa passkey)
        {
            _account = _emulator.Emulator.CreateAccount();
            _emulator.Emulator.RequirePasskey(_account, _credentialId, passkey.ExportParameters(includePrivateParameters: false));
            return _account;
        }

        /// <summary>A platform authenticator holding <paramref name="key"/> as the account's passkey (the credential id the emulator registered).</summary>
        public async Task<string> AddAuthenticatorAsync(DevToolsConnection page, ECDsa key)
        {
            await page.SendAsync("WebAuthn.enable", new { enableUI = false }, Ct);
            var added = await page.SendAsync("WebAuthn.addVirtualAuthenticator", new
            {
                options = new
                {
                    protocol = "ctap2",
                    transport = "internal",
                    hasResidentKey = true,
                    hasUserVerification = true,
                    isUserVerified = true,
                    automaticPresenceSimulation = true,
                },
            }, Ct);
            var authenticatorId = added.GetProperty("authenticatorId").GetString()!;
            await page.SendAsync("WebAuthn.addCredential", new
            {
                authenticatorId,
                credential = new
                {
                    credentialId = Convert.ToBase64String(_credentialId),
                    isResidentCredential = true,
                    rpId = _emulator.Emulator.PasskeyRelyingPartyId,
                    privateKey = Convert.ToBase64String(key.ExportPkcs8PrivateKey()),
                    userHandle = Convert.ToBase64String(_userHandle),
                    signCount = 0,
                },
            }, Ct);
            return authenticatorId;
        }

        /// <summary>
        /// Holds each of the helper's calls to the gateway until the page is photographed in the state it
        /// shows while the call is under way, then lets it go (DevTools Fetch domain).
        /// </summary>
        public async Task PauseGatewayCallsForScreenshotsAsync(DevToolsConnection page, ConcurrentDictionary<string, byte[]> screenshots)
        {
            page.On("Fetch.requestPaused", async paused =>
            {
                var request = paused.GetProperty("request");
                var url = request.GetProperty("url").GetString()!;
                var method = request.GetProperty("method").GetString();
                var step = method == "GET" ? "2-reading-options"
                    : method == "POST" && url.EndsWith("/assertion", StringComparison.Ordinal) ? "3-sending-assertion" : null;
                if (step is not null)
                    screenshots[step] = await CaptureAsync(page);
                await page.SendAsync("Fetch.continueRequest", new { requestId = paused.GetProperty("requestId").GetString() }, Ct);
            });
            await page.SendAsync("Fetch.enable", new
            {
                patterns = new[] { new { urlPattern = $"{GatewayUrl}instance/passkey/*", requestStage = "Request" } },
            }, Ct);
        }

        private Uri GatewayUrl => Host.Http.BaseAddress!;

        /// <summary>create → connect → QR → the phone scans → WhatsApp asks for the passkey (the route shows it).</summary>
        public async Task<(string Name, Task<LinkedDevice> Link)> ScanIntoPasskeyAsync(EmulatedAccount account)
        {
            var name = "pkb-" + Guid.NewGuid().ToString("N")[..10];
            await Host.CreateInstanceAsync(name);
            var (status, qr) = await Host.ConnectForQrAsync(name);
            Assert.Equal(200, status);
            var link = _emulator.Emulator.ScanQrAsync(qr.GetProperty("code").GetString()!, account, Ct);
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
            while ((await Host.GetAsync($"/instance/passkey/{name}")).Body.GetProperty("stage").GetString() != "awaiting_assertion")
            {
                Assert.True(DateTime.UtcNow < deadline, $"{name} never asked for the passkey");
                await Task.Delay(100, Ct);
            }
            return (name, link);
        }

        /// <summary>Opens the stand-in page and injects the userscript's text as a userscript manager does at document-idle.</summary>
        public async Task OpenHelperAsync(DevToolsConnection page)
        {
            await page.SendAsync("Page.enable", null, Ct);
            await page.SendAsync("Page.navigate", new { url = PageUrl.ToString() }, Ct);
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            var loaded = $"location.href === {JsonSerializer.Serialize(PageUrl.ToString())} && document.readyState === 'complete'";
            while ((await page.EvaluateAsync(loaded, Ct)).ValueKind != JsonValueKind.True)
            {
                Assert.True(DateTime.UtcNow < deadline, "the stand-in page did not load");
                await Task.Delay(100, Ct);
            }
            var script = await File.ReadAllTextAsync(Path.Combine(BaileysInteropPaths.RepositoryRoot(), "tools", "passkey-helper", "codechat-passkey.user.js"), Ct);
            await page.EvaluateAsync(script, Ct);
            Assert.Equal("CodeChat passkey helper", (await page.EvaluateAsync(StatusText, Ct)).GetString());
        }

        /// <summary>
        /// Clicks the helper's button as the user does, answers its prompts (gateway URL, instance, key) and its
        /// confirm dialog, and waits for the helper's final status line.
        /// </summary>
        public async Task<string> ClickAndWaitAsync(DevToolsConnection page, string name)
        {
            page.On("Page.javascriptDialogOpening", async dialog =>
            {
                var message = dialog.GetProperty("message").GetString()!;
                string? answer = null;
                if (dialog.GetProperty("type").GetString() == "prompt")
                {
                    answer = message.StartsWith("CodeChat gateway URL", StringComparison.Ordinal) ? GatewayUrl.ToString()
                        : message.StartsWith("Instance name", StringComparison.Ordinal) ? name
                        : message.StartsWith("API key", StringComparison.Ordinal) ? SessionHost.GlobalApiKey
                        : throw new InvalidOperationException("unexpected prompt: " + message);
                }
                else
                {
                    CodeOnPhone = _emulator.Emulator.PasskeyLinkings.FirstOrDefault(l => l.Phone == _account!.Phone)?.ConfirmationCode;
                    ConfirmDialogs.Enqueue(message);
                }
                await page.SendAsync("Page.handleJavaScriptDialog", new { accept = true, promptText = answer ?? "" }, Ct);
            });
            // The click returns once its synchronous part (the prompts) is done; the rest runs on in the page.
            await page.EvaluateAsync("document.querySelector('div > button').click()", Ct, userGesture: true);
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
            while (true)
            {
                var status = (await page.EvaluateAsync(StatusText, Ct)).GetString()!;
                if (status.StartsWith("Confirmed", StringComparison.Ordinal) || status.StartsWith("Failed", StringComparison.Ordinal)
                    || status.StartsWith("Not confirmed", StringComparison.Ordinal) || status.StartsWith("Nothing to answer", StringComparison.Ordinal))
                    return status;
                Assert.True(DateTime.UtcNow < deadline, "the helper still says: " + status);
                await Task.Delay(100, Ct);
            }
        }

        private const string StatusText = "document.querySelector('div > button').previousElementSibling.textContent";

        private const string StandInPage = """
            <!doctype html>
            <html lang="en">
            <head><meta charset="utf-8"><title>WhatsApp Web (local stand-in)</title></head>
            <body style="font:15px system-ui,sans-serif;background:#f0f2f5;margin:0;height:100vh">
            <div style="padding:40px">
            <h1 style="font-size:20px;color:#41525d">WhatsApp Web (local stand-in page)</h1>
            <p style="color:#667781">The browser test opens this page on http://localhost in place of https://web.whatsapp.com;
            the CodeChat passkey helper is injected into it unchanged.</p>
            </div>
            </body>
            </html>
            """;

        public async ValueTask DisposeAsync()
        {
            await Host.DisposeAsync();
            await _emulator.DisposeAsync();
            await _pages.DisposeAsync();
        }
    }
}
