using System.Collections.Immutable;

namespace CodeChat.WhatsApp.Binary;

/// <summary>The content of a <see cref="Node"/>: nothing, child nodes, bytes, a string or a JID.</summary>
public readonly struct NodeContent : IEquatable<NodeContent>
{
    private readonly ImmutableArray<Node> _children;
    private readonly ReadOnlyMemory<byte> _bytes;
    private readonly string? _text;
    private readonly Jid _jid;

    private NodeContent(NodeContentKind kind, ImmutableArray<Node> children, ReadOnlyMemory<byte> bytes, string? text, Jid jid)
    {
        Kind = kind;
        _children = children;
        _bytes = bytes;
        _text = text;
        _jid = jid;
    }

    public static NodeContent None => default;

    public NodeContentKind Kind { get; }

    /// <summary>Child nodes; empty unless <see cref="Kind"/> is <see cref="NodeContentKind.Children"/>.</summary>
    public ImmutableArray<Node> Children => Kind == NodeContentKind.Children ? _children : [];

    /// <summary>Raw bytes; empty unless <see cref="Kind"/> is <see cref="NodeContentKind.Bytes"/>.</summary>
    public ReadOnlyMemory<byte> Bytes => _bytes;

    public string? Text => _text;

    public Jid? Jid => Kind == NodeContentKind.Jid ? _jid : null;

    /// <summary>Child nodes; an empty list is the same as no content (see <see cref="NodeContentKind.None"/>).</summary>
    public static NodeContent FromChildren(IEnumerable<Node> children)
    {
        ArgumentNullException.ThrowIfNull(children);
        var list = children.ToImmutableArray();
        foreach (var child in list)
        {
            ArgumentNullException.ThrowIfNull(child, nameof(children));
        }
        return list.IsEmpty ? default : new NodeContent(NodeContentKind.Children, list, default, null, default);
    }

    /// <summary>Raw bytes. The memory is kept, not copied: don't change it afterwards.</summary>
    public static NodeContent FromBytes(ReadOnlyMemory<byte> bytes) =>
        new(NodeContentKind.Bytes, default, bytes, null, default);

    public static NodeContent FromText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new NodeContent(NodeContentKind.Text, default, default, text, default);
    }

    public static NodeContent FromJid(Jid jid) =>
        jid.IsEmpty ? default : new NodeContent(NodeContentKind.Jid, default, default, null, jid);

    public static implicit operator NodeContent(Node[] children) => FromChildren(children);

    public static implicit operator NodeContent(List<Node> children) => FromChildren(children);

    public static implicit operator NodeContent(ImmutableArray<Node> children) => FromChildren(children);

    public static implicit operator NodeContent(Node child) => FromChildren([child]);

    public static implicit operator NodeContent(byte[] bytes) => FromBytes(bytes);

    public static implicit operator NodeContent(ReadOnlyMemory<byte> bytes) => FromBytes(bytes);

    public static implicit operator NodeContent(string text) => FromText(text);

    public static implicit operator NodeContent(Jid jid) => FromJid(jid);

    public bool Equals(NodeContent other)
    {
        if (Kind != other.Kind)
        {
            return false;
        }
        return Kind switch
        {
            NodeContentKind.None => true,
            NodeContentKind.Children => _children.AsSpan().SequenceEqual(other._children.AsSpan()),
            NodeContentKind.Bytes => _bytes.Span.SequenceEqual(other._bytes.Span),
            NodeContentKind.Text => string.Equals(_text, other._text, StringComparison.Ordinal),
            _ => _jid.Equals(other._jid),
        };
    }

    public override bool Equals(object? obj) => obj is NodeContent other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Kind);
        switch (Kind)
        {
            case NodeContentKind.Children:
                foreach (var child in _children)
                {
                    hash.Add(child);
                }
                break;
            case NodeContentKind.Bytes:
                hash.AddBytes(_bytes.Span);
                break;
            case NodeContentKind.Text:
                hash.Add(_text, StringComparer.Ordinal);
                break;
            case NodeContentKind.Jid:
                hash.Add(_jid);
                break;
        }
        return hash.ToHashCode();
    }

    public static bool operator ==(NodeContent left, NodeContent right) => left.Equals(right);

    public static bool operator !=(NodeContent left, NodeContent right) => !left.Equals(right);
}
