using System.Buffers;

namespace CodeChat.WhatsApp.Socket;

/// <summary>
/// Reassembles frames from WebSocket messages: one message may carry several frames, and a frame
/// (even its 3-byte length) may be split across messages. A server-side reader first consumes the
/// client's intro header. Not thread-safe: one reader per connection, fed by the receive loop.
/// Its buffer is rented while bytes wait and returned once every byte was read out, so an idle
/// connection holds none (a single large frame would otherwise keep its size for the connection's life).
/// </summary>
public sealed class FrameReader
{
    private readonly int _maxFrameLength;
    private const int MinimumBufferSize = 4096;
    private byte[] _buffer = [];
    private int _start;
    private int _end;
    private bool _introPending;

    /// <param name="expectIntroHeader">True on the server side, where the stream starts with the client's intro.</param>
    /// <param name="maxFrameLength">Frames announcing a larger payload fail the connection.</param>
    public FrameReader(bool expectIntroHeader = false, int maxFrameLength = NoiseConstants.MaxFrameLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxFrameLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxFrameLength, NoiseConstants.MaxFrameLength);
        _maxFrameLength = maxFrameLength;
        _introPending = expectIntroHeader;
    }

    /// <summary>The 4-byte "WA" header the client sent (server side), once it has arrived.</summary>
    public byte[]? IntroHeader { get; private set; }

    /// <summary>Edge-routing info the client sent before the "WA" header, if any.</summary>
    public byte[]? EdgeRoutingInfo { get; private set; }

    /// <summary>Bytes received but not yet returned as frames.</summary>
    public int BufferedBytes => _end - _start;

    /// <summary>The payload length the next, not yet complete frame announced; null before its 3-byte prefix arrived.</summary>
    public int? PendingFrameLength =>
        !_introPending && _end - _start >= NoiseConstants.FrameLengthPrefix
            ? FrameCodec.ReadLength(_buffer.AsSpan(_start, _end - _start))
            : null;

    public void Append(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return;
        }
        if (_buffer.Length - _end < data.Length)
        {
            var buffered = _end - _start;
            if (_buffer.Length - buffered < data.Length)
            {
                var grown = ArrayPool<byte>.Shared.Rent(Math.Max(Math.Max(_buffer.Length * 2, buffered + data.Length), MinimumBufferSize));
                _buffer.AsSpan(_start, buffered).CopyTo(grown);
                ReleaseBuffer();
                _buffer = grown;
            }
            else
            {
                _buffer.AsSpan(_start, buffered).CopyTo(_buffer);
            }
            _start = 0;
            _end = buffered;
        }
        data.CopyTo(_buffer.AsSpan(_end));
        _end += data.Length;
    }

    /// <summary>Returns the next complete frame payload, or false when more bytes are needed.</summary>
    public bool TryReadFrame(out byte[] payload)
    {
        payload = [];
        if (_introPending && !TryConsumeIntro())
        {
            return false;
        }
        var available = _buffer.AsSpan(_start, _end - _start);
        if (available.Length < NoiseConstants.FrameLengthPrefix)
        {
            return false;
        }
        var length = FrameCodec.ReadLength(available);
        if (length > _maxFrameLength)
        {
            throw new NoiseFrameException($"Frame of {length} bytes exceeds the limit of {_maxFrameLength} bytes.");
        }
        if (available.Length < NoiseConstants.FrameLengthPrefix + length)
        {
            return false;
        }
        payload = available.Slice(NoiseConstants.FrameLengthPrefix, length).ToArray();
        _start += NoiseConstants.FrameLengthPrefix + length;
        if (_start == _end)
        {
            _start = _end = 0;
            ReleaseBuffer();
        }
        return true;
    }

    private void ReleaseBuffer()
    {
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }

    private bool TryConsumeIntro()
    {
        var available = _buffer.AsSpan(_start, _end - _start);
        var headerLength = NoiseConstants.ConnectionHeader.Length;
        var offset = 0;
        byte[]? routing = null;
        if (available.Length >= 2 && available[0] == (byte)'E' && available[1] == (byte)'D')
        {
            var magicLength = NoiseConstants.EdgeRoutingMagic.Length;
            if (available.Length < magicLength + NoiseConstants.FrameLengthPrefix)
            {
                return false;
            }
            if (!available[..magicLength].SequenceEqual(NoiseConstants.EdgeRoutingMagic))
            {
                throw new NoiseFrameException("Malformed edge-routing pre-intro.");
            }
            var routingLength = FrameCodec.ReadLength(available[magicLength..]);
            offset = magicLength + NoiseConstants.FrameLengthPrefix + routingLength;
            if (available.Length < offset)
            {
                return false;
            }
            routing = available[(magicLength + NoiseConstants.FrameLengthPrefix)..offset].ToArray();
        }
        if (available.Length < offset + headerLength)
        {
            return false;
        }
        var header = available.Slice(offset, headerLength);
        if (header[0] != (byte)'W' || header[1] != (byte)'A')
        {
            throw new NoiseFrameException("The connection does not start with the \"WA\" intro header.");
        }
        IntroHeader = header.ToArray();
        EdgeRoutingInfo = routing;
        _start += offset + headerLength;
        _introPending = false;
        return true;
    }
}
