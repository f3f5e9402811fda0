using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Immutable;
using System.IO.Compression;
using System.Text;

namespace CodeChat.WhatsApp.Binary;

/// <summary>
/// Reads binary XML frames (whatsapp-protocol.md §1.4, §3). Every malformed, truncated or hostile input
/// ends in <see cref="WaBinaryException"/>: sizes are checked against the bytes actually left before
/// anything is allocated, nesting and node count are bounded, and inflation is capped.
/// Bytes after the root node are ignored, as both reference decoders do.
/// </summary>
public static class WaBinaryDecoder
{
    /// <summary>Decodes a decrypted frame: flag byte, then the node, zlib-compressed when flag bit 2 is set.</summary>
    public static Node Decode(ReadOnlySpan<byte> frame, WaBinaryLimits? limits = null)
    {
        limits ??= WaBinaryLimits.Default;
        if (frame.IsEmpty)
        {
            throw new WaBinaryException("Empty frame: missing flag byte.");
        }
        var flags = frame[0];
        var body = frame[1..];
        if ((flags & WaBinaryTags.CompressedFlag) == 0)
        {
            return DecodeNode(body, limits);
        }
        return DecodeNode(Inflate(body, limits.MaxDecompressedBytes), limits);
    }

    /// <summary>Decodes a node that has no leading flag byte.</summary>
    public static Node DecodeNode(ReadOnlySpan<byte> body, WaBinaryLimits? limits = null)
    {
        var reader = new Reader(body, limits ?? WaBinaryLimits.Default, WaTokenDictionary.Current);
        return reader.ReadNode(0);
    }

    private static byte[] Inflate(ReadOnlySpan<byte> compressed, int maxBytes)
    {
        var rented = ArrayPool<byte>.Shared.Rent(compressed.Length);
        try
        {
            compressed.CopyTo(rented);
            using var source = new MemoryStream(rented, 0, compressed.Length, writable: false);
            using var zlib = new ZLibStream(source, CompressionMode.Decompress);
            using var output = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = zlib.Read(chunk, 0, chunk.Length)) > 0)
            {
                if (output.Length + read > maxBytes)
                {
                    throw new WaBinaryException($"Compressed frame inflates beyond {maxBytes} bytes.");
                }
                output.Write(chunk, 0, read);
            }
            return output.ToArray();
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException)
        {
            // ZLibException (an IOException) reports corrupt streams that InvalidDataException does not cover.
            throw new WaBinaryException("Compressed frame is not a valid zlib stream.", ex);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private ref struct Reader(ReadOnlySpan<byte> data, WaBinaryLimits limits, WaTokenDictionary tokens)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _position;
        private int _nodes;

        private readonly int Remaining => _data.Length - _position;

        private WaBinaryException Error(string problem) => new($"Malformed binary node at offset {_position}: {problem}.");

        private byte ReadByte()
        {
            if (_position >= _data.Length)
            {
                throw Error("unexpected end of data");
            }
            return _data[_position++];
        }

        private ReadOnlySpan<byte> ReadSpan(int length)
        {
            if (length < 0 || length > Remaining)
            {
                throw Error($"length {length} exceeds the {Remaining} bytes left");
            }
            var span = _data.Slice(_position, length);
            _position += length;
            return span;
        }

        private ushort ReadUInt16() => BinaryPrimitives.ReadUInt16BigEndian(ReadSpan(2));

        public Node ReadNode(int depth)
        {
            if (depth >= limits.MaxDepth)
            {
                throw Error($"nesting deeper than {limits.MaxDepth}");
            }
            if (++_nodes > limits.MaxNodes)
            {
                throw Error($"more than {limits.MaxNodes} nodes");
            }

            var size = ReadListSize(ReadByte());
            if (size == 0)
            {
                throw Error("node with an empty header list");
            }
            var tag = ReadStringValue("tag");
            if (tag.Length == 0)
            {
                throw Error("node with an empty tag");
            }

            var attributeCount = (size - 1) >> 1;
            // Each attribute takes at least two bytes (name and value); refuse counts the data cannot hold.
            if (attributeCount > Remaining / 2)
            {
                throw Error($"{attributeCount} attributes cannot fit in {Remaining} bytes");
            }
            var attributes = NodeAttributes.Empty;
            if (attributeCount > 0)
            {
                var list = new NodeAttribute[attributeCount];
                var used = 0;
                for (var i = 0; i < attributeCount; i++)
                {
                    var name = ReadStringValue("attribute name");
                    if (name.Length == 0)
                    {
                        throw Error("attribute with an empty name");
                    }
                    var value = ReadAttributeValue();
                    if (!value.IsEmpty)
                    {
                        list[used++] = new NodeAttribute(name, value);
                    }
                }
                attributes = NodeAttributes.Create(list.AsSpan(0, used));
            }

            var content = size % 2 == 0 ? ReadContent(depth) : NodeContent.None;
            return new Node(tag, attributes, content);
        }

        private int ReadListSize(byte tag) => tag switch
        {
            WaBinaryTags.ListEmpty => 0,
            WaBinaryTags.List8 => ReadByte(),
            WaBinaryTags.List16 => ReadUInt16(),
            _ => throw Error($"expected a list, found tag {tag}"),
        };

        private NodeContent ReadContent(int depth)
        {
            var tag = ReadByte();
            switch (tag)
            {
                case WaBinaryTags.ListEmpty:
                    return NodeContent.None;
                case WaBinaryTags.List8 or WaBinaryTags.List16:
                    {
                        var count = ReadListSize(tag);
                        // A child node needs at least three bytes (list tag, size, tag token).
                        if (count > Remaining / 3)
                        {
                            throw Error($"{count} children cannot fit in {Remaining} bytes");
                        }
                        var children = ImmutableArray.CreateBuilder<Node>(count);
                        for (var i = 0; i < count; i++)
                        {
                            children.Add(ReadNode(depth + 1));
                        }
                        return NodeContent.FromChildren(children.MoveToImmutable());
                    }
                case WaBinaryTags.Binary8 or WaBinaryTags.Binary20 or WaBinaryTags.Binary32:
                    return NodeContent.FromBytes(ReadSpan(ReadLength(tag)).ToArray());
                case WaBinaryTags.JidPair or WaBinaryTags.AdJid or WaBinaryTags.FbJid or WaBinaryTags.InteropJid:
                    return NodeContent.FromJid(ReadJid(tag));
                default:
                    return NodeContent.FromText(ReadStringAfterTag(tag, "content"));
            }
        }

        private AttributeValue ReadAttributeValue()
        {
            var tag = ReadByte();
            return tag switch
            {
                WaBinaryTags.ListEmpty => default,
                WaBinaryTags.JidPair or WaBinaryTags.AdJid or WaBinaryTags.FbJid or WaBinaryTags.InteropJid =>
                    new AttributeValue(ReadJid(tag)),
                _ => new AttributeValue(ReadStringAfterTag(tag, "attribute value")),
            };
        }

        /// <summary>Reads a position that must hold a string (tags, names, JID parts).</summary>
        private string ReadStringValue(string what) => ReadStringAfterTag(ReadByte(), what);

        private string ReadStringAfterTag(byte tag, string what)
        {
            switch (tag)
            {
                case WaBinaryTags.Binary8 or WaBinaryTags.Binary20 or WaBinaryTags.Binary32:
                    return Encoding.UTF8.GetString(ReadSpan(ReadLength(tag)));
                case >= WaBinaryTags.Dictionary0 and <= WaBinaryTags.Dictionary3:
                    {
                        var index = ReadByte();
                        if (!tokens.TryGetDoubleByte(tag - WaBinaryTags.Dictionary0, index, out var value))
                        {
                            throw Error($"double-byte token {tag}/{index} does not exist");
                        }
                        return value;
                    }
                case WaBinaryTags.Nibble8 or WaBinaryTags.Hex8:
                    return ReadPacked(tag);
                case WaBinaryTags.ListEmpty or WaBinaryTags.List8 or WaBinaryTags.List16:
                    throw Error($"{what} expected, found a list");
                case WaBinaryTags.JidPair or WaBinaryTags.AdJid or WaBinaryTags.FbJid or WaBinaryTags.InteropJid:
                    throw Error($"{what} expected, found a JID");
                default:
                    {
                        if (!tokens.TryGetSingleByte(tag, out var value))
                        {
                            throw Error($"token {tag} does not exist");
                        }
                        return value;
                    }
            }
        }

        private int ReadLength(byte tag)
        {
            switch (tag)
            {
                case WaBinaryTags.Binary8:
                    return ReadByte();
                case WaBinaryTags.Binary20:
                    {
                        var span = ReadSpan(3);
                        return ((span[0] & 0x0F) << 16) | (span[1] << 8) | span[2];
                    }
                default:
                    {
                        var length = BinaryPrimitives.ReadUInt32BigEndian(ReadSpan(4));
                        if (length > (uint)Remaining)
                        {
                            throw Error($"length {length} exceeds the {Remaining} bytes left");
                        }
                        return (int)length;
                    }
            }
        }

        private string ReadPacked(byte tag)
        {
            var start = ReadByte();
            var pairs = start & 0x7F;
            var odd = (start & 0x80) != 0;
            var length = pairs * 2 - (odd ? 1 : 0);
            if (length < 0)
            {
                throw Error("odd-length packed string with no bytes");
            }
            if (length > WaBinaryTags.PackedMax)
            {
                throw Error($"packed string of {length} characters exceeds {WaBinaryTags.PackedMax}");
            }
            var packed = ReadSpan(pairs);
            Span<char> chars = stackalloc char[pairs * 2];
            for (var i = 0; i < pairs; i++)
            {
                chars[2 * i] = Unpack(tag, packed[i] >> 4);
                // The low nibble of the last byte of an odd-length string is padding and is dropped.
                chars[2 * i + 1] = odd && i == pairs - 1 ? '\0' : Unpack(tag, packed[i] & 0x0F);
            }
            return new string(chars[..length]);
        }

        private char Unpack(byte tag, int value)
        {
            if (tag == WaBinaryTags.Hex8)
            {
                return (char)(value < 10 ? '0' + value : 'A' + value - 10);
            }
            return value switch
            {
                < 10 => (char)('0' + value),
                10 => '-',
                11 => '.',
                _ => throw Error($"nibble value {value} is not a digit, '-' or '.'"),
            };
        }

        private Jid ReadJid(byte tag)
        {
            string user;
            string server;
            ushort device = 0;
            ushort integrator = 0;
            switch (tag)
            {
                case WaBinaryTags.AdJid:
                    {
                        var domainType = ReadByte();
                        var adDevice = ReadByte();
                        user = ReadStringValue("AD-JID user");
                        if (!Jid.TryCreateFromDomainType(user, domainType, adDevice, out var adJid))
                        {
                            throw Error("AD-JID with invalid parts");
                        }
                        return adJid;
                    }
                case WaBinaryTags.JidPair:
                    {
                        var userTag = ReadByte();
                        user = userTag == WaBinaryTags.ListEmpty ? "" : ReadStringAfterTag(userTag, "JID user");
                        server = ReadStringValue("JID server");
                        break;
                    }
                case WaBinaryTags.FbJid:
                    user = ReadStringValue("FB-JID user");
                    device = ReadUInt16();
                    server = ReadStringValue("FB-JID server");
                    if (server != JidServers.Messenger)
                    {
                        throw Error($"FB-JID server must be '{JidServers.Messenger}'");
                    }
                    break;
                default:
                    user = ReadStringValue("interop JID user");
                    device = ReadUInt16();
                    integrator = ReadUInt16();
                    server = ReadStringValue("interop JID server");
                    if (server != JidServers.Interop)
                    {
                        throw Error($"interop JID server must be '{JidServers.Interop}'");
                    }
                    break;
            }
            if (!Jid.TryCreate(user, server, device, 0, integrator, out var jid))
            {
                throw Error("JID with invalid parts");
            }
            return jid;
        }
    }
}
