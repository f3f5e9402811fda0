using CodeChat.WhatsApp.Socket;
using static CodeChat.WhatsApp.Tests.Crypto.KnownAnswers;

namespace CodeChat.WhatsApp.Tests.Socket;

public class FrameCodecTests
{
    [Fact]
    public void First_message_is_intro_plus_client_hello_frame()
    {
        // vectors.json noise.first_ws_message = 57410603 ‖ 000024 ‖ noise.client_hello_proto (§12.2).
        var message = FrameCodec.EncodeFrame(Hex("noise.client_hello_proto"), FrameCodec.BuildIntroHeader());
        Assert.Equal(Hex("noise.first_ws_message"), message);
    }

    [Fact]
    public void Transport_frame_has_three_byte_length()
    {
        // vectors.json noise.transport_frame0_ws_message = 000026 ‖ noise.transport_frame0_ct (§12.2).
        Assert.Equal(Hex("noise.transport_frame0_ws_message"), FrameCodec.EncodeFrame(Hex("noise.transport_frame0_ct")));
    }

    [Fact]
    public void Edge_routing_pre_intro_precedes_the_wa_header()
    {
        // whatsapp-protocol.md §1.2: "ED" 00 01, 3-byte length, routing bytes, then "WA" 06 03.
        var header = FrameCodec.BuildIntroHeader([0xAA, 0xBB]);
        Assert.Equal(Convert.FromHexString("4544000100000" + "2AABB57410603"), header);
    }

    [Fact]
    public void Reader_reassembles_frames_split_and_joined_across_messages()
    {
        var first = new byte[300];
        var second = new byte[] { 1, 2, 3 };
        var third = Array.Empty<byte>();
        new Random(7).NextBytes(first);
        byte[] stream = [.. FrameCodec.EncodeFrame(first), .. FrameCodec.EncodeFrame(second), .. FrameCodec.EncodeFrame(third)];

        // Deliver in awkward pieces: one byte (inside the first length prefix), then a chunk ending
        // mid-frame, then the rest (which joins the end of frame 1 with frames 2 and 3).
        var reader = new FrameReader();
        var frames = new List<byte[]>();
        foreach (var piece in new[] { stream[..1], stream[1..2], stream[2..150], stream[150..] })
        {
            reader.Append(piece);
            while (reader.TryReadFrame(out var frame))
            {
                frames.Add(frame);
            }
        }
        Assert.Equal(3, frames.Count);
        Assert.Equal(first, frames[0]);
        Assert.Equal(second, frames[1]);
        Assert.Empty(frames[2]);
        Assert.Equal(0, reader.BufferedBytes);
    }

    [Fact]
    public void Server_reader_consumes_intro_and_edge_routing()
    {
        var message = FrameCodec.EncodeFrame([9, 8, 7], FrameCodec.BuildIntroHeader([0x42]));
        var reader = new FrameReader(expectIntroHeader: true);
        reader.Append(message.AsSpan(0, 5));
        Assert.False(reader.TryReadFrame(out _));
        reader.Append(message.AsSpan(5));
        Assert.True(reader.TryReadFrame(out var frame));
        Assert.Equal(new byte[] { 9, 8, 7 }, frame);
        Assert.Equal(Hex("noise.first_ws_message")[..4], reader.IntroHeader);
        Assert.Equal(new byte[] { 0x42 }, reader.EdgeRoutingInfo);
    }

    [Fact]
    public void Server_reader_rejects_a_stream_without_the_wa_header()
    {
        var reader = new FrameReader(expectIntroHeader: true);
        reader.Append(FrameCodec.EncodeFrame(new byte[8]));
        Assert.Throws<NoiseFrameException>(() => reader.TryReadFrame(out _));
    }

    [Fact]
    public void Reader_rejects_frames_over_the_limit_before_buffering_them()
    {
        var reader = new FrameReader(maxFrameLength: 1024);
        reader.Append([0x00, 0x04, 0x01]);
        Assert.Throws<NoiseFrameException>(() => reader.TryReadFrame(out _));
    }

    [Fact]
    public void Encoder_rejects_a_payload_too_large_for_three_bytes()
    {
        Assert.Throws<NoiseFrameException>(() => FrameCodec.EncodeFrame(new byte[NoiseConstants.MaxFrameLength + 1]));
    }
}
