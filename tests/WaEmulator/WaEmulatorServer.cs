using System.Net;
using CodeChat.WaEmulator.Media;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CodeChat.WaEmulator;

/// <summary>
/// Hosts the emulator on loopback: the chat WebSocket at /ws/chat (any path under /ws works, the real
/// clients ignore it), the HTTP control API under /_emulator, and on a second, HTTPS listener the media
/// host (/mms upload, /v download) with a certificate made at start. Use <see cref="Emulator"/> for the
/// in-process control API.
/// </summary>
public sealed class WaEmulatorServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly MediaTlsCertificates _mediaCertificates;

    private WaEmulatorServer(WebApplication app, Emulator emulator, Uri baseUrl, Uri mediaBaseUrl, MediaTlsCertificates mediaCertificates, string caFile)
    {
        _app = app;
        Emulator = emulator;
        BaseUrl = baseUrl;
        MediaBaseUrl = mediaBaseUrl;
        _mediaCertificates = mediaCertificates;
        MediaCertificateAuthorityFile = caFile;
    }

    public Emulator Emulator { get; }

    /// <summary>http://127.0.0.1:PORT/</summary>
    public Uri BaseUrl { get; }

    public Uri WebSocketUrl => new($"ws://{BaseUrl.Authority}/ws/chat");

    /// <summary>https://127.0.0.1:PORT/ of the media host (the hostname media_conn hands out).</summary>
    public Uri MediaBaseUrl { get; }

    /// <summary>https://127.0.0.1:PORT/sw.js: the service worker that names <see cref="Protocol.ClientVersionGate.Current"/>.</summary>
    public Uri ServiceWorkerUrl => new(MediaBaseUrl, "sw.js");

    /// <summary>PEM of the CA that issued the media host's certificate; point NODE_EXTRA_CA_CERTS here. Deleted on dispose.</summary>
    public string MediaCertificateAuthorityFile { get; }

    /// <summary>The media host's CA, for .NET clients (e.g. an HttpClient handler's custom trust store).</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2 MediaCertificateAuthority => _mediaCertificates.Authority;

    /// <summary>
    /// Cancelled when the process is asked to stop: SIGINT (Ctrl+C), SIGTERM or SIGQUIT, which the
    /// host's console lifetime receives (and keeps from killing the process mid-write).
    /// </summary>
    public CancellationToken ShutdownRequested => _app.Lifetime.ApplicationStopping;

    public static async Task<WaEmulatorServer> StartAsync(WaEmulatorOptions options, Action<ILoggingBuilder>? configureLogging = null, CancellationToken cancellationToken = default)
    {
        var certificates = MediaTlsCertificates.Create();
        var caFile = Path.Combine(Path.GetTempPath(), $"wa-emulator-media-ca-{Guid.NewGuid():N}.pem");
        await File.WriteAllTextAsync(caFile, certificates.CertificateAuthorityPem, cancellationToken);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        configureLogging?.Invoke(builder.Logging);
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, options.Port);
            kestrel.Listen(IPAddress.Loopback, options.MediaPort, listen => listen.UseHttps(certificates.ServerCertificate));
            // first login uploads 812 prekeys in one frame; keep Kestrel's own limits out of the way
            kestrel.Limits.MaxRequestBodySize = null;
        });
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<Emulator>();

        var app = builder.Build();
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.Zero });
        var emulator = app.Services.GetRequiredService<Emulator>();
        app.Map("/ws/{**rest}", (HttpContext context) => emulator.AcceptAsync(context));
        ControlApi.Map(app, emulator);
        emulator.Media.Map(app);
        // WhatsApp Web's service worker, on the HTTPS host like web.whatsapp.com/sw.js.
        app.MapGet("/sw.js", (HttpContext context) => context.Request.IsHttps
            ? Results.Text(emulator.ClientVersions.ServiceWorkerScript(), "text/javascript; charset=utf-8")
            : Results.StatusCode(StatusCodes.Status421MisdirectedRequest));

        await app.StartAsync(cancellationToken);
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Select(a => new Uri(a)).ToList();
        var port = addresses.First(a => a.Scheme == Uri.UriSchemeHttp).Port;
        var mediaPort = addresses.First(a => a.Scheme == Uri.UriSchemeHttps).Port;
        emulator.Media.Bind($"127.0.0.1:{mediaPort}", certificates.CertificateAuthorityPem);
        return new WaEmulatorServer(app, emulator, new Uri($"http://127.0.0.1:{port}/"), new Uri($"https://127.0.0.1:{mediaPort}/"), certificates, caFile);
    }

    public async ValueTask DisposeAsync()
    {
        await Emulator.DropAllConnectionsAsync();
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(grace.Token);
        await _app.DisposeAsync();
        _mediaCertificates.Dispose();
        File.Delete(MediaCertificateAuthorityFile);
    }
}
