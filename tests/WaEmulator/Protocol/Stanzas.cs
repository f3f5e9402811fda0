using CodeChat.WhatsApp.Binary;

namespace CodeChat.WaEmulator.Protocol;

/// <summary>Terse builders for the stanzas the emulator writes; attributes with a null value are left out.</summary>
internal static class Stanzas
{
    public const string ServerJid = "s.whatsapp.net";

    public static Node Make(string tag, params (string Name, string? Value)[] attributes) => Make(tag, attributes, default);

    public static Node Make(string tag, (string Name, string? Value)[] attributes, NodeContent content) =>
        new(tag, Attributes(attributes), content);

    public static NodeAttributes Attributes(IEnumerable<(string Name, string? Value)> attributes) =>
        NodeAttributes.Create(attributes.Where(a => a.Value is not null).Select(a => new NodeAttribute(a.Name, a.Value!)));

    public static Node Bytes(string tag, ReadOnlyMemory<byte> bytes) => new(tag, default, NodeContent.FromBytes(bytes));

    public static Node Children(string tag, (string Name, string? Value)[] attributes, IEnumerable<Node> children) =>
        new(tag, Attributes(attributes), NodeContent.FromChildren(children));

    /// <summary>An IQ answer: same id, type result, addressed back to whoever asked.</summary>
    public static Node Result(Node request, params Node[] children) =>
        new("iq", Attributes([("id", request.GetAttribute("id")), ("type", "result"), ("from", ServerJid)]),
            children.Length == 0 ? default : NodeContent.FromChildren(children));

    public static Node Error(Node request, int code, string text) =>
        new("iq", Attributes([("id", request.GetAttribute("id")), ("type", "error"), ("from", ServerJid)]),
            NodeContent.FromChildren([Make("error", ("code", code.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("text", text))]));

    public static string UnixNow() => DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static byte[] Content(Node node) => node.Bytes?.ToArray() ?? [];
}
