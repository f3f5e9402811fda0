using System.Security.Cryptography;
using System.Text;
using CodeChat.Secrets;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CodeChat.Api.Authentication;

/// <summary>
/// The global API key (as its SHA-256) and the instance-token signing key, from configuration
/// or, when configuration has none, generated once and kept in the database (the signing key only
/// encrypted, with Data Protection).
/// Initialisation is retried until it succeeds, because the schema may still be migrating.
/// </summary>
public sealed partial class ApiCredentials(
    IOptions<CodeChatAuthenticationOptions> options,
    ApiSettingsStore settings,
    IGeneratedApiKeyAnnouncer announcer,
    IDataProtectionProvider protection,
    ILogger<ApiCredentials> logger)
{
    private readonly IDataProtector signingSecretProtector = protection.CreateProtector(SecretPurposes.InstanceTokenSigningSecret);
    private const int MinimumSigningKeyBytes = 32;
    private readonly SemaphoreSlim initialisation = new(1, 1);
    private volatile Loaded? loaded;

    private sealed record Loaded(byte[] GlobalApiKeySha256, byte[] SigningKey);

    public async Task EnsureInitializedAsync(CancellationToken cancellationToken)
    {
        if (loaded is not null)
            return;
        await initialisation.WaitAsync(cancellationToken);
        try
        {
            loaded ??= new Loaded(await LoadGlobalKeyHashAsync(cancellationToken), await LoadSigningKeyAsync(cancellationToken));
        }
        finally
        {
            initialisation.Release();
        }
    }

    /// <summary>True when <paramref name="presented"/> is the global key (hashes compared in constant time).</summary>
    public async Task<bool> IsGlobalApiKeyAsync(string presented, CancellationToken cancellationToken)
    {
        await EnsureInitializedAsync(cancellationToken);
        return CryptographicOperations.FixedTimeEquals(Sha256(presented), loaded!.GlobalApiKeySha256);
    }

    public async Task<byte[]> GetSigningKeyAsync(CancellationToken cancellationToken)
    {
        await EnsureInitializedAsync(cancellationToken);
        return loaded!.SigningKey;
    }

    public static byte[] Sha256(string value) => SHA256.HashData(Encoding.UTF8.GetBytes(value));

    private async Task<byte[]> LoadGlobalKeyHashAsync(CancellationToken cancellationToken)
    {
        var configured = options.Value.GlobalApiKey;
        if (!string.IsNullOrWhiteSpace(configured))
        {
            LogUsingConfiguredKey();
            return Sha256(configured);
        }

        var stored = await settings.GetAsync(ApiSettingsStore.GlobalApiKeySha256, cancellationToken);
        if (stored is null)
        {
            var generated = System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
            var (value, storedNow) = await settings.GetOrAddAsync(
                ApiSettingsStore.GlobalApiKeySha256, Convert.ToHexString(Sha256(generated)), cancellationToken);
            if (storedNow)
            {
                announcer.Announce(generated);
                LogGeneratedKey();
                return Convert.FromHexString(value);
            }

            stored = value;
        }

        LogUsingStoredKey();
        return Convert.FromHexString(stored);
    }

    private async Task<byte[]> LoadSigningKeyAsync(CancellationToken cancellationToken)
    {
        var configured = options.Value.JwtSecret;
        if (!string.IsNullOrEmpty(configured))
        {
            var bytes = Encoding.UTF8.GetBytes(configured);
            if (bytes.Length < MinimumSigningKeyBytes)
                throw new InvalidOperationException(
                    $"Authentication:JwtSecret must be at least {MinimumSigningKeyBytes} bytes long for HS256.");
            return bytes;
        }

        var stored = await settings.GetAsync(ApiSettingsStore.ProtectedInstanceTokenSigningSecret, cancellationToken);
        if (stored is null)
        {
            // A database not migrated yet (this host may start before any silo did) keeps it in clear:
            // use it rather than generate a new one, which would invalidate every issued token.
            if (await settings.GetAsync(ApiSettingsStore.LegacyInstanceTokenSigningSecret, cancellationToken) is { } legacy)
                return Convert.FromBase64String(legacy);
            (stored, _) = await settings.GetOrAddAsync(
                ApiSettingsStore.ProtectedInstanceTokenSigningSecret,
                signingSecretProtector.Protect(Convert.ToBase64String(RandomNumberGenerator.GetBytes(64))),
                cancellationToken);
        }

        return Convert.FromBase64String(signingSecretProtector.Unprotect(stored));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Using the configured global API key")]
    private partial void LogUsingConfiguredKey();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Generated a new global API key and printed it once to standard output; only its hash is stored")]
    private partial void LogGeneratedKey();

    [LoggerMessage(Level = LogLevel.Information, Message = "Using the stored global API key")]
    private partial void LogUsingStoredKey();
}
