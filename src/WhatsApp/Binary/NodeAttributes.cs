using System.Collections;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;

namespace CodeChat.WhatsApp.Binary;

/// <summary>
/// The ordered, immutable attributes of a node. Attributes whose value is empty are dropped (both
/// reference encoders skip them, so on the wire they do not exist); a repeated name keeps its first
/// position and takes the last value, like a map assignment.
/// </summary>
[CollectionBuilder(typeof(NodeAttributes), nameof(Create))]
public readonly struct NodeAttributes : IReadOnlyList<NodeAttribute>, IEquatable<NodeAttributes>
{
    private readonly ImmutableArray<NodeAttribute> _items;

    private NodeAttributes(ImmutableArray<NodeAttribute> items) => _items = items;

    public static NodeAttributes Empty => default;

    public int Count => _items.IsDefault ? 0 : _items.Length;

    public NodeAttribute this[int index] => Items[index];

    private ImmutableArray<NodeAttribute> Items => _items.IsDefault ? [] : _items;

    public static NodeAttributes Create(ReadOnlySpan<NodeAttribute> attributes)
    {
        if (attributes.IsEmpty)
        {
            return default;
        }
        var builder = ImmutableArray.CreateBuilder<NodeAttribute>(attributes.Length);
        foreach (var attribute in attributes)
        {
            Add(builder, attribute);
        }
        return new NodeAttributes(builder.DrainToImmutable());
    }

    public static NodeAttributes Create(IEnumerable<NodeAttribute> attributes)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        var builder = ImmutableArray.CreateBuilder<NodeAttribute>();
        foreach (var attribute in attributes)
        {
            Add(builder, attribute);
        }
        return builder.Count == 0 ? default : new NodeAttributes(builder.DrainToImmutable());
    }

    private static void Add(ImmutableArray<NodeAttribute>.Builder builder, NodeAttribute attribute)
    {
        if (string.IsNullOrEmpty(attribute.Name))
        {
            throw new ArgumentException("Attribute names must not be empty.", nameof(attribute));
        }
        for (var i = 0; i < builder.Count; i++)
        {
            if (string.Equals(builder[i].Name, attribute.Name, StringComparison.Ordinal))
            {
                if (attribute.Value.IsEmpty)
                {
                    builder.RemoveAt(i);
                }
                else
                {
                    builder[i] = attribute;
                }
                return;
            }
        }
        if (!attribute.Value.IsEmpty)
        {
            builder.Add(attribute);
        }
    }

    public bool TryGetValue(string name, out AttributeValue value)
    {
        foreach (var attribute in Items)
        {
            if (string.Equals(attribute.Name, name, StringComparison.Ordinal))
            {
                value = attribute.Value;
                return true;
            }
        }
        value = default;
        return false;
    }

    public bool Contains(string name) => TryGetValue(name, out _);

    /// <summary>A copy with the attribute set (replaced in place, or appended).</summary>
    public NodeAttributes With(string name, AttributeValue value) => Create([.. Items, new NodeAttribute(name, value)]);

    public ImmutableArray<NodeAttribute>.Enumerator GetEnumerator() => Items.GetEnumerator();

    IEnumerator<NodeAttribute> IEnumerable<NodeAttribute>.GetEnumerator() => ((IEnumerable<NodeAttribute>)Items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => ((IEnumerable)Items).GetEnumerator();

    public bool Equals(NodeAttributes other) => Items.AsSpan().SequenceEqual(other.Items.AsSpan());

    public override bool Equals(object? obj) => obj is NodeAttributes other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var attribute in Items)
        {
            hash.Add(attribute);
        }
        return hash.ToHashCode();
    }

    public static bool operator ==(NodeAttributes left, NodeAttributes right) => left.Equals(right);

    public static bool operator !=(NodeAttributes left, NodeAttributes right) => !left.Equals(right);
}
