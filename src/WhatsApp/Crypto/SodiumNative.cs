using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace CodeChat.WhatsApp.Crypto;

/// <summary>
/// P/Invoke binding to constant-time primitives of the libsodium native library shipped by the
/// <c>libsodium</c> NuGet package: edwards25519 scalar arithmetic, which BouncyCastle does not expose
/// and XEdDSA signing needs (whatsapp-protocol.md §13.2), and X25519 itself. X25519 went native for
/// speed: BouncyCastle's managed field arithmetic was three quarters of the gateway's CPU while
/// linking (a few hundred prekeys per device, measured with perf in bench/CodeChat.InstanceBench).
/// </summary>
internal static unsafe partial class SodiumNative
{
    private const string Library = "libsodium";

    public const int ScalarBytes = 32;
    public const int NonReducedScalarBytes = 64;
    public const int PointBytes = 32;

    // sodium_init must run once before any other call; Lazy gives thread-safe, exactly-once
    // initialisation without exposing mutable state.
    private static readonly Lazy<bool> Initialised = new(InitialiseLibrary, LazyThreadSafetyMode.ExecutionAndPublication);

    public static void EnsureInitialised() => _ = Initialised.Value;

    private static bool InitialiseLibrary()
    {
        // 0 = initialised now, 1 = already initialised by someone else in the process, -1 = failure.
        if (sodium_init() < 0)
        {
            throw new CryptographicException("libsodium failed to initialise.");
        }
        return true;
    }

    public const int X25519Bytes = 32;

    /// <summary>RFC 7748 X25519(n, 9): the public key of private scalar n (libsodium clamps a copy of n).</summary>
    public static void X25519Base(Span<byte> publicKey, ReadOnlySpan<byte> privateKey)
    {
        CheckLength(publicKey, X25519Bytes, nameof(publicKey));
        CheckLength(privateKey, X25519Bytes, nameof(privateKey));
        EnsureInitialised();
        fixed (byte* q = publicKey)
        fixed (byte* n = privateKey)
        {
            if (crypto_scalarmult_curve25519_base(q, n) != 0)
            {
                throw new CryptographicException("X25519 of the base point failed.");
            }
        }
    }

    /// <summary>
    /// RFC 7748 X25519(n, p) (n clamped, p's top bit ignored). False when p has small order: the shared
    /// secret would be all zeros, which libsodium refuses to return.
    /// </summary>
    public static bool X25519(Span<byte> shared, ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> publicKey)
    {
        CheckLength(shared, X25519Bytes, nameof(shared));
        CheckLength(privateKey, X25519Bytes, nameof(privateKey));
        CheckLength(publicKey, X25519Bytes, nameof(publicKey));
        EnsureInitialised();
        fixed (byte* q = shared)
        fixed (byte* n = privateKey)
        fixed (byte* p = publicKey)
        {
            return crypto_scalarmult_curve25519(q, n, p) == 0;
        }
    }

    /// <summary>q = n·B on edwards25519 without clamping n. Fails for a zero scalar or the identity.</summary>
    public static void ScalarMultBaseNoClamp(Span<byte> point, ReadOnlySpan<byte> scalar)
    {
        CheckLength(point, PointBytes, nameof(point));
        CheckLength(scalar, ScalarBytes, nameof(scalar));
        EnsureInitialised();
        fixed (byte* q = point)
        fixed (byte* n = scalar)
        {
            if (crypto_scalarmult_ed25519_base_noclamp(q, n) != 0)
            {
                throw new CryptographicException("Invalid edwards25519 scalar.");
            }
        }
    }

    /// <summary>r = s mod L for a 64-byte little-endian value s.</summary>
    public static void ScalarReduce(Span<byte> reduced, ReadOnlySpan<byte> wide)
    {
        CheckLength(reduced, ScalarBytes, nameof(reduced));
        CheckLength(wide, NonReducedScalarBytes, nameof(wide));
        EnsureInitialised();
        fixed (byte* r = reduced)
        fixed (byte* s = wide)
        {
            crypto_core_ed25519_scalar_reduce(r, s);
        }
    }

    /// <summary>z = x·y mod L.</summary>
    public static void ScalarMul(Span<byte> product, ReadOnlySpan<byte> x, ReadOnlySpan<byte> y)
    {
        CheckLength(product, ScalarBytes, nameof(product));
        CheckLength(x, ScalarBytes, nameof(x));
        CheckLength(y, ScalarBytes, nameof(y));
        EnsureInitialised();
        fixed (byte* z = product)
        fixed (byte* px = x)
        fixed (byte* py = y)
        {
            crypto_core_ed25519_scalar_mul(z, px, py);
        }
    }

    /// <summary>z = x + y mod L.</summary>
    public static void ScalarAdd(Span<byte> sum, ReadOnlySpan<byte> x, ReadOnlySpan<byte> y)
    {
        CheckLength(sum, ScalarBytes, nameof(sum));
        CheckLength(x, ScalarBytes, nameof(x));
        CheckLength(y, ScalarBytes, nameof(y));
        EnsureInitialised();
        fixed (byte* z = sum)
        fixed (byte* px = x)
        fixed (byte* py = y)
        {
            crypto_core_ed25519_scalar_add(z, px, py);
        }
    }

    private static void CheckLength(ReadOnlySpan<byte> buffer, int expected, string name)
    {
        if (buffer.Length != expected)
        {
            throw new ArgumentException($"Expected {expected} bytes but got {buffer.Length}.", name);
        }
    }

    [LibraryImport(Library)]
    private static partial int sodium_init();

    [LibraryImport(Library)]
    private static partial int crypto_scalarmult_curve25519_base(byte* q, byte* n);

    [LibraryImport(Library)]
    private static partial int crypto_scalarmult_curve25519(byte* q, byte* n, byte* p);

    [LibraryImport(Library)]
    private static partial int crypto_scalarmult_ed25519_base_noclamp(byte* q, byte* n);

    [LibraryImport(Library)]
    private static partial void crypto_core_ed25519_scalar_reduce(byte* r, byte* s);

    [LibraryImport(Library)]
    private static partial void crypto_core_ed25519_scalar_mul(byte* z, byte* x, byte* y);

    [LibraryImport(Library)]
    private static partial void crypto_core_ed25519_scalar_add(byte* z, byte* x, byte* y);
}
