namespace CodeChat.WhatsApp.Binary;

/// <summary>One attribute of a <see cref="Node"/>.</summary>
public readonly record struct NodeAttribute(string Name, AttributeValue Value)
{
    public override string ToString() => $"{Name}=\"{Value}\"";
}
