using BenchmarkDotNet.Attributes;
using CodeChat.WhatsApp.Socket;

namespace CodeChat.Bench;

/// <summary>
/// Noise transport cost per frame, the way <see cref="NoiseSocket"/> does it: sending is
/// AES-256-GCM with the counter nonce (<see cref="NoiseCipher.Encrypt"/>) plus the 3-byte length
/// prefix (<see cref="FrameCodec.EncodeFrame"/>); receiving is splitting the byte stream into frames
/// (<see cref="FrameReader"/>) plus <see cref="NoiseCipher.Decrypt"/> and the compression-flag check
/// (<see cref="TransportFrames.Decompress"/>, a no-op for uncompressed frames). 1 KiB is a typical
/// message stanza, 64 KiB a large history or app-state frame. The MB/s column is plaintext bytes
/// per second.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ThroughputConfig))]
public class NoiseBenchmarks
{
    // Decryption needs ciphertexts made with consecutive nonces; a ring of them is replayed against
    // a receiver that is recreated (counter back to 0) each time the ring wraps, so key setup is
    // paid once per RingLength frames and does not distort the per-frame figure.
    private const int RingLength = 256;

    private readonly byte[] _key = new byte[32];
    private byte[] _plaintext = [];
    private byte[][] _wireFrames = [];
    private NoiseCipher _sender = null!;
    private NoiseCipher _receiver = null!;
    private FrameReader _reader = null!;
    private int _next;

    [Params(1024, 64 * 1024)]
    public int FrameBytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(11);
        random.NextBytes(_key);
        _plaintext = new byte[FrameBytes];
        random.NextBytes(_plaintext);
        _plaintext[0] = 0; // the flag byte of an uncompressed frame

        using var ringSender = new NoiseCipher(_key);
        _wireFrames = new byte[RingLength][];
        for (var i = 0; i < RingLength; i++)
            _wireFrames[i] = FrameCodec.EncodeFrame(ringSender.Encrypt(_plaintext));

        _sender = new NoiseCipher(_key);
        _receiver = new NoiseCipher(_key);
        _reader = new FrameReader();
        _next = 0;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _sender.Dispose();
        _receiver.Dispose();
    }

    [Benchmark]
    public byte[] EncryptFrame() => FrameCodec.EncodeFrame(_sender.Encrypt(_plaintext));

    [Benchmark]
    public byte[] DecryptFrame()
    {
        if (_next == RingLength)
        {
            _receiver.Dispose();
            _receiver = new NoiseCipher(_key);
            _next = 0;
        }
        _reader.Append(_wireFrames[_next++]);
        if (!_reader.TryReadFrame(out var ciphertext))
            throw new InvalidOperationException("A whole frame was appended but none could be read.");
        return TransportFrames.Decompress(_receiver.Decrypt(ciphertext));
    }
}
