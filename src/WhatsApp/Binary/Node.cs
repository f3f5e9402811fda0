using System.Collections.Immutable;
using System.Globalization;

namespace CodeChat.WhatsApp.Binary;

/// <summary>
/// One element of WhatsApp's binary XML (whatsapp-protocol.md §3.1): a tag, ordered attributes whose
/// values are strings or JIDs, and optional content. Immutable; equality is structural.
/// </summary>
public sealed class Node : IEquatable<Node>
{
    public Node(string tag, NodeAttributes attributes = default, NodeContent content = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tag);
        Tag = tag;
        Attributes = attributes;
        Content = content;
    }

    public string Tag { get; }

    public NodeAttributes Attributes { get; }

    public NodeContent Content { get; }

    /// <summary>Child nodes, or empty when the content is not a child list.</summary>
    public ImmutableArray<Node> Children => Content.Children;

    /// <summary>Raw byte content, or null when the content is not bytes.</summary>
    public ReadOnlyMemory<byte>? Bytes => Content.Kind == NodeContentKind.Bytes ? Content.Bytes : (ReadOnlyMemory<byte>?)null;

    public Node WithAttribute(string name, AttributeValue value) => new(Tag, Attributes.With(name, value), Content);

    public Node WithContent(NodeContent content) => new(Tag, Attributes, content);

    // ----- children -----

    /// <summary>First child with the tag, or null.</summary>
    public Node? GetChild(string tag)
    {
        foreach (var child in Children)
        {
            if (child.Tag == tag)
            {
                return child;
            }
        }
        return null;
    }

    /// <exception cref="WaBinaryException">No child has that tag.</exception>
    public Node GetRequiredChild(string tag) =>
        GetChild(tag) ?? throw new WaBinaryException($"<{Tag}> has no <{tag}> child.");

    /// <summary>Follows a path of tags through first matches, e.g. <c>("usync", "list")</c>.</summary>
    public Node? GetChildByPath(params ReadOnlySpan<string> tags)
    {
        Node? current = this;
        foreach (var tag in tags)
        {
            current = current.GetChild(tag);
            if (current is null)
            {
                return null;
            }
        }
        return current;
    }

    public IEnumerable<Node> GetChildren(string tag) => Children.Where(child => child.Tag == tag);

    public bool HasChild(string tag) => GetChild(tag) is not null;

    // ----- attributes -----

    public bool HasAttribute(string name) => Attributes.Contains(name);

    /// <summary>The attribute as text (a JID in its textual form), or null when absent.</summary>
    public string? GetAttribute(string name) => Attributes.TryGetValue(name, out var value) ? value.ToString() : null;

    /// <exception cref="WaBinaryException">The attribute is absent.</exception>
    public string GetRequiredAttribute(string name) => GetAttribute(name) ?? throw Missing(name);

    /// <summary>The attribute as a JID (parsing a string value), or null when absent.</summary>
    /// <exception cref="WaBinaryException">The attribute is present but not a valid JID.</exception>
    public Jid? GetJid(string name)
    {
        if (!Attributes.TryGetValue(name, out var value))
        {
            return null;
        }
        if (value.Jid is { } jid)
        {
            return jid;
        }
        return Jid.TryParse(value.Text, out var parsed)
            ? parsed
            : throw Invalid(name, value, "a JID");
    }

    /// <exception cref="WaBinaryException">The attribute is absent or not a valid JID.</exception>
    public Jid GetRequiredJid(string name) => GetJid(name) ?? throw Missing(name);

    /// <exception cref="WaBinaryException">The attribute is present but not an integer.</exception>
    public long? GetInt64(string name) =>
        Parse(name, "an integer", static (string text, out long result) =>
            long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out result));

    public long GetRequiredInt64(string name) => GetInt64(name) ?? throw Missing(name);

    public int? GetInt32(string name) =>
        Parse(name, "a 32-bit integer", static (string text, out int result) =>
            int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out result));

    public int GetRequiredInt32(string name) => GetInt32(name) ?? throw Missing(name);

    public ulong? GetUInt64(string name) =>
        Parse(name, "an unsigned integer", static (string text, out ulong result) =>
            ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out result));

    public ulong GetRequiredUInt64(string name) => GetUInt64(name) ?? throw Missing(name);

    /// <summary>"true"/"false" (also "1"/"0", which some stanzas use).</summary>
    public bool? GetBool(string name) =>
        Parse(name, "a boolean", static (string text, out bool result) =>
        {
            switch (text)
            {
                case "true" or "1":
                    result = true;
                    return true;
                case "false" or "0":
                    result = false;
                    return true;
                default:
                    result = false;
                    return false;
            }
        });

    public bool GetRequiredBool(string name) => GetBool(name) ?? throw Missing(name);

    /// <summary>A Unix timestamp in seconds (the <c>t</c> attribute and friends).</summary>
    public DateTimeOffset? GetUnixTime(string name)
    {
        var seconds = GetInt64(name);
        if (seconds is null)
        {
            return null;
        }
        if (seconds < -62135596800L || seconds > 253402300799L)
        {
            throw new WaBinaryException($"<{Tag}> attribute '{name}' is out of the timestamp range.");
        }
        return DateTimeOffset.FromUnixTimeSeconds(seconds.Value);
    }

    public DateTimeOffset GetRequiredUnixTime(string name) => GetUnixTime(name) ?? throw Missing(name);

    private delegate bool TryParser<T>(string text, out T result);

    private T? Parse<T>(string name, string expected, TryParser<T> parser) where T : struct
    {
        if (!Attributes.TryGetValue(name, out var value))
        {
            return null;
        }
        return parser(value.ToString(), out var result) ? result : throw Invalid(name, value, expected);
    }

    private WaBinaryException Missing(string name) => new($"<{Tag}> lacks the required attribute '{name}'.");

    private WaBinaryException Invalid(string name, AttributeValue value, string expected) =>
        new($"<{Tag}> attribute '{name}' is not {expected}: '{Truncate(value.ToString())}'.");

    private static string Truncate(string text) => text.Length <= 64 ? text : string.Concat(text.AsSpan(0, 64), "…");

    // ----- printing and equality -----

    /// <summary>Compact XML-like text for logs; bytes are shown as length and a short hex prefix.</summary>
    public string ToXml(bool indented = true) => NodePrinter.Print(this, indented);

    public override string ToString() => ToXml(indented: false);

    public bool Equals(Node? other) =>
        other is not null
        && (ReferenceEquals(this, other)
            || (Tag == other.Tag && Attributes.Equals(other.Attributes) && Content.Equals(other.Content)));

    public override bool Equals(object? obj) => Equals(obj as Node);

    public override int GetHashCode() => HashCode.Combine(Tag, Attributes, Content);

    public static bool operator ==(Node? left, Node? right) => left is null ? right is null : left.Equals(right);

    public static bool operator !=(Node? left, Node? right) => !(left == right);
}
