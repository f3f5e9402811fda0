using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace CodeChat.WhatsApp.Binary;

/// <summary>
/// Writes nodes in the compact forms whatsmeow's encoder picks (whatsapp-protocol.md §3.3–3.5), so the
/// bytes are identical to the references'. Stateless and thread-safe.
/// </summary>
public static class WaBinaryEncoder
{
    /// <summary>Nesting deeper than this is refused rather than risking the stack.</summary>
    public const int MaxDepth = WaBinaryLimits.DefaultMaxDepth;

    /// <summary>Encodes a node as an outgoing frame body: flag byte 0 (uncompressed) followed by the node.</summary>
    /// <exception cref="WaBinaryException">The node holds something the wire format cannot carry.</exception>
    public static byte[] Encode(Node node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var writer = new Writer(WaTokenDictionary.Current);
        try
        {
            writer.WriteByte(0);
            writer.WriteNode(node, 0);
            return writer.ToArray();
        }
        finally
        {
            writer.Dispose();
        }
    }

    /// <summary>Encodes only the node, without the leading flag byte.</summary>
    public static byte[] EncodeNode(Node node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var writer = new Writer(WaTokenDictionary.Current);
        try
        {
            writer.WriteNode(node, 0);
            return writer.ToArray();
        }
        finally
        {
            writer.Dispose();
        }
    }

    private struct Writer(WaTokenDictionary tokens) : IDisposable
    {
        private byte[] _buffer = ArrayPool<byte>.Shared.Rent(256);
        private int _length;

        public readonly byte[] ToArray() => _buffer.AsSpan(0, _length).ToArray();

        public void Dispose()
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }

        private Span<byte> Reserve(int count)
        {
            if (_length + count > _buffer.Length)
            {
                var needed = (long)_length + count;
                var grown = ArrayPool<byte>.Shared.Rent((int)Math.Min(Math.Max(needed, _buffer.Length * 2L), Array.MaxLength));
                _buffer.AsSpan(0, _length).CopyTo(grown);
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = grown;
            }
            var span = _buffer.AsSpan(_length, count);
            _length += count;
            return span;
        }

        public void WriteByte(byte value) => Reserve(1)[0] = value;

        public void WriteNode(Node node, int depth)
        {
            if (depth >= MaxDepth)
            {
                throw new WaBinaryException($"Node nesting exceeds {MaxDepth} levels.");
            }
            var hasContent = node.Content.Kind == NodeContentKind.None ? 0 : 1;
            WriteListStart(2 * node.Attributes.Count + 1 + hasContent);
            WriteString(node.Tag);
            foreach (var attribute in node.Attributes)
            {
                WriteString(attribute.Name);
                if (attribute.Value.Jid is { } jid)
                {
                    WriteJid(jid);
                }
                else
                {
                    WriteString(attribute.Value.Text!);
                }
            }

            var content = node.Content;
            switch (content.Kind)
            {
                case NodeContentKind.Children:
                    WriteListStart(content.Children.Length);
                    foreach (var child in content.Children)
                    {
                        WriteNode(child, depth + 1);
                    }
                    break;
                case NodeContentKind.Bytes:
                    WriteBytes(content.Bytes.Span);
                    break;
                case NodeContentKind.Text:
                    WriteString(content.Text!);
                    break;
                case NodeContentKind.Jid:
                    WriteJid(content.Jid!.Value);
                    break;
            }
        }

        private void WriteListStart(int size)
        {
            if (size == 0)
            {
                WriteByte(WaBinaryTags.ListEmpty);
            }
            else if (size < 256)
            {
                var span = Reserve(2);
                span[0] = WaBinaryTags.List8;
                span[1] = (byte)size;
            }
            else if (size <= ushort.MaxValue)
            {
                var span = Reserve(3);
                span[0] = WaBinaryTags.List16;
                BinaryPrimitives.WriteUInt16BigEndian(span[1..], (ushort)size);
            }
            else
            {
                throw new WaBinaryException($"A list of {size} items does not fit LIST_16.");
            }
        }

        private void WriteString(string value)
        {
            if (tokens.TryGetToken(value, out var token))
            {
                if (token.IsDoubleByte)
                {
                    var span = Reserve(2);
                    span[0] = (byte)(WaBinaryTags.Dictionary0 + token.Dictionary);
                    span[1] = token.Index;
                }
                else
                {
                    WriteByte(token.Index);
                }
            }
            else if (value.Length <= WaBinaryTags.PackedMax && IsNibble(value))
            {
                WritePacked(value, WaBinaryTags.Nibble8);
            }
            else if (value.Length <= WaBinaryTags.PackedMax && IsHex(value))
            {
                WritePacked(value, WaBinaryTags.Hex8);
            }
            else
            {
                var byteCount = Encoding.UTF8.GetByteCount(value);
                WriteLength(byteCount);
                Encoding.UTF8.GetBytes(value, Reserve(byteCount));
            }
        }

        private void WriteBytes(ReadOnlySpan<byte> value)
        {
            WriteLength(value.Length);
            value.CopyTo(Reserve(value.Length));
        }

        private void WriteLength(int length)
        {
            if (length < 256)
            {
                var span = Reserve(2);
                span[0] = WaBinaryTags.Binary8;
                span[1] = (byte)length;
            }
            else if (length < 1 << 20)
            {
                var span = Reserve(4);
                span[0] = WaBinaryTags.Binary20;
                span[1] = (byte)((length >> 16) & 0x0F);
                span[2] = (byte)(length >> 8);
                span[3] = (byte)length;
            }
            else
            {
                var span = Reserve(5);
                span[0] = WaBinaryTags.Binary32;
                BinaryPrimitives.WriteInt32BigEndian(span[1..], length);
            }
        }

        private void WriteJid(Jid jid)
        {
            switch (jid.Server)
            {
                case JidServers.User or JidServers.Lid when jid.Device > 0 || jid.Agent > 0:
                case JidServers.Hosted or JidServers.HostedLid:
                    {
                        // Jid validation keeps the device of these servers within one byte.
                        var span = Reserve(3);
                        span[0] = WaBinaryTags.AdJid;
                        span[1] = jid.DomainType;
                        span[2] = (byte)jid.Device;
                        WriteString(jid.User);
                        break;
                    }
                case JidServers.Messenger:
                    WriteByte(WaBinaryTags.FbJid);
                    WriteString(jid.User);
                    BinaryPrimitives.WriteUInt16BigEndian(Reserve(2), jid.Device);
                    WriteString(jid.Server);
                    break;
                case JidServers.Interop:
                    WriteByte(WaBinaryTags.InteropJid);
                    WriteString(jid.User);
                    BinaryPrimitives.WriteUInt16BigEndian(Reserve(2), jid.Device);
                    BinaryPrimitives.WriteUInt16BigEndian(Reserve(2), jid.Integrator);
                    WriteString(jid.Server);
                    break;
                default:
                    if (jid.IsEmpty)
                    {
                        throw new WaBinaryException("Cannot encode an empty JID.");
                    }
                    WriteByte(WaBinaryTags.JidPair);
                    if (jid.User.Length == 0)
                    {
                        WriteByte(WaBinaryTags.ListEmpty);
                    }
                    else
                    {
                        WriteString(jid.User);
                    }
                    WriteString(jid.Server);
                    break;
            }
        }

        private void WritePacked(string value, byte tag)
        {
            var pairs = (value.Length + 1) / 2;
            var span = Reserve(2 + pairs);
            span[0] = tag;
            span[1] = (byte)(pairs | (value.Length % 2 == 1 ? 0x80 : 0));
            for (var i = 0; i < pairs; i++)
            {
                var high = Pack(value[2 * i], tag);
                var low = 2 * i + 1 < value.Length ? Pack(value[2 * i + 1], tag) : 0x0F;
                span[2 + i] = (byte)((high << 4) | low);
            }
        }

        private static int Pack(char c, byte tag) => c switch
        {
            >= '0' and <= '9' => c - '0',
            '-' when tag == WaBinaryTags.Nibble8 => 10,
            '.' when tag == WaBinaryTags.Nibble8 => 11,
            >= 'A' and <= 'F' when tag == WaBinaryTags.Hex8 => c - 'A' + 10,
            _ => throw new InvalidOperationException($"'{c}' cannot be packed."),
        };

        private static bool IsNibble(string value)
        {
            foreach (var c in value)
            {
                if (c is not ((>= '0' and <= '9') or '-' or '.'))
                {
                    return false;
                }
            }
            return true;
        }

        private static bool IsHex(string value)
        {
            foreach (var c in value)
            {
                if (c is not ((>= '0' and <= '9') or (>= 'A' and <= 'F')))
                {
                    return false;
                }
            }
            return true;
        }
    }
}
