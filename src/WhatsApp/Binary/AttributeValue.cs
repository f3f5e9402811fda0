namespace CodeChat.WhatsApp.Binary;

/// <summary>
/// An attribute value: a string or a <see cref="Jid"/>. Both are kept as given so the encoder writes a
/// JID in JID form and a string in string form, exactly like whatsmeow (pitfall P23).
/// </summary>
public readonly struct AttributeValue : IEquatable<AttributeValue>
{
    private readonly string? _text;
    private readonly Jid _jid;

    public AttributeValue(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        _text = text;
        _jid = default;
    }

    public AttributeValue(Jid jid)
    {
        _text = null;
        _jid = jid;
    }

    public bool IsJid => _text is null && !_jid.IsEmpty;

    /// <summary>Nothing to write: an empty string or an empty JID. Such attributes are dropped.</summary>
    public bool IsEmpty => _text is null ? _jid.IsEmpty : _text.Length == 0;

    /// <summary>The string value; null when the value is a JID.</summary>
    public string? Text => _text;

    /// <summary>The JID value; null when the value is a string.</summary>
    public Jid? Jid => IsJid ? _jid : null;

    public static implicit operator AttributeValue(string text) => new(text);

    public static implicit operator AttributeValue(Jid jid) => new(jid);

    /// <summary>The value as text (a JID in its textual form).</summary>
    public override string ToString() => _text ?? _jid.ToString();

    public bool Equals(AttributeValue other) =>
        IsEmpty ? other.IsEmpty : string.Equals(_text, other._text, StringComparison.Ordinal) && _jid.Equals(other._jid);

    public override bool Equals(object? obj) => obj is AttributeValue other && Equals(other);

    public override int GetHashCode() => IsEmpty ? 0 : HashCode.Combine(_text is null ? 0 : StringComparer.Ordinal.GetHashCode(_text), _jid);

    public static bool operator ==(AttributeValue left, AttributeValue right) => left.Equals(right);

    public static bool operator !=(AttributeValue left, AttributeValue right) => !left.Equals(right);
}
