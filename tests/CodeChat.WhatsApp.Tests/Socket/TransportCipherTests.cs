using CodeChat.WhatsApp.Socket;
using static CodeChat.WhatsApp.Tests.Crypto.KnownAnswers;

namespace CodeChat.WhatsApp.Tests.Socket;

public class TransportCipherTests
{
    [Fact]
    public void Client_write_cipher_produces_frames_0_and_1()
    {
        // vectors.json noise.transport_frame0_ct / noise.transport_frame1_ct_same_plaintext:
        // AESGCM(client write key, IV(n), keepalive node, aad=∅) for n = 0, 1 (§12.2, §2.5).
        using var writer = new NoiseCipher(Hex("noise.transport_client_write_key"));
        var keepalive = Hex("binary.keepalive_iq");
        Assert.Equal(Hex("noise.transport_frame0_ct"), writer.Encrypt(keepalive));
        Assert.Equal(Hex("noise.transport_frame1_ct_same_plaintext"), writer.Encrypt(keepalive));
        Assert.Equal(2u, writer.Counter);
    }

    [Fact]
    public void Reader_opens_frames_in_order_and_rejects_a_tampered_one()
    {
        using var reader = new NoiseCipher(Hex("noise.transport_client_write_key"));
        Assert.Equal(Hex("binary.keepalive_iq"), reader.Decrypt(Hex("noise.transport_frame0_ct")));
        var tampered = Hex("noise.transport_frame1_ct_same_plaintext");
        tampered[5] ^= 0x20;
        Assert.Throws<NoiseDecryptionException>(() => reader.Decrypt(tampered));
        // The counter still advanced, as in whatsmeow.
        Assert.Equal(2u, reader.Counter);
    }

    [Fact]
    public void Out_of_order_frame_fails()
    {
        using var reader = new NoiseCipher(Hex("noise.transport_client_write_key"));
        Assert.Throws<NoiseDecryptionException>(() => reader.Decrypt(Hex("noise.transport_frame1_ct_same_plaintext")));
    }

    [Fact]
    public void Compressed_frame_inflates_to_flag_zero_and_the_node()
    {
        // vectors.json binary.keepalive_compressed_frame_example = 02 ‖ zlib(keepalive node without its 00 flag) (§12.3).
        var inflated = TransportFrames.Decompress(Hex("binary.keepalive_compressed_frame_example"));
        Assert.Equal(Hex("binary.keepalive_iq"), inflated);
    }

    [Fact]
    public void Baileyscsharp_inflate_vector()
    {
        // vectors.json bcs.inflate.in/out (BaileysCSharp TestInflate, §12.1 (c)), wrapped as a compressed frame.
        var inflated = TransportFrames.Decompress([NoiseConstants.CompressedFlag, .. Hex("bcs.inflate.in")]);
        Assert.Equal([0x00, .. Hex("bcs.inflate.out")], inflated);
    }

    [Fact]
    public void Uncompressed_frame_is_returned_unchanged_and_compress_round_trips()
    {
        var node = Hex("binary.keepalive_iq");
        Assert.Same(node, TransportFrames.Decompress(node));
        Assert.Equal(node, TransportFrames.Decompress(TransportFrames.Compress(node.AsSpan(1))));
    }

    [Fact]
    public void Inflation_bomb_and_garbage_are_rejected()
    {
        var bomb = TransportFrames.Compress(new byte[100_000]);
        Assert.Throws<NoiseFrameException>(() => TransportFrames.Decompress(bomb, maxInflatedLength: 10_000));
        Assert.Throws<NoiseFrameException>(() => TransportFrames.Decompress([0x02, 0x12, 0x34, 0x56]));
        Assert.Throws<NoiseFrameException>(() => TransportFrames.Decompress([]));
    }
}
