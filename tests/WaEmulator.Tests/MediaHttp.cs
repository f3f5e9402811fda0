using System.Security.Cryptography.X509Certificates;

namespace CodeChat.WaEmulator.Tests;

internal static class MediaHttp
{
    /// <summary>An HttpClient that trusts only the emulator's media CA (as Node does with NODE_EXTRA_CA_CERTS).</summary>
    public static HttpClient TrustingClient(WaEmulatorServer server)
    {
        var authority = server.MediaCertificateAuthority;
        var handler = new SocketsHttpHandler
        {
            SslOptions =
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    if (certificate is null)
                    {
                        return false;
                    }

                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(authority);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    using var leaf = new X509Certificate2(certificate);
                    return chain.Build(leaf);
                },
            },
        };
        return new HttpClient(handler) { BaseAddress = server.MediaBaseUrl };
    }
}
