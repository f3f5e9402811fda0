using System.Text;

namespace CodeChat.WhatsApp.Binary;

/// <summary>Renders nodes as short XML-like text for logs without dumping payloads.</summary>
internal static class NodePrinter
{
    // Enough to recognise a payload, too little to leak key material from a log line.
    private const int BytesPrefixShown = 8;
    private const int TextShown = 256;

    public static string Print(Node node, bool indented)
    {
        var builder = new StringBuilder();
        Append(builder, node, indented, 0);
        return builder.ToString();
    }

    private static void Append(StringBuilder builder, Node node, bool indented, int depth)
    {
        if (indented)
        {
            builder.Append(' ', depth * 2);
        }
        builder.Append('<').Append(node.Tag);
        foreach (var attribute in node.Attributes)
        {
            builder.Append(' ').Append(attribute.Name).Append("=\"");
            AppendEscaped(builder, attribute.Value.ToString());
            builder.Append('"');
        }

        var content = node.Content;
        switch (content.Kind)
        {
            case NodeContentKind.None:
                builder.Append("/>");
                return;
            case NodeContentKind.Children:
                builder.Append('>');
                foreach (var child in content.Children)
                {
                    if (indented)
                    {
                        builder.Append('\n');
                    }
                    Append(builder, child, indented, depth + 1);
                }
                if (indented)
                {
                    builder.Append('\n').Append(' ', depth * 2);
                }
                break;
            case NodeContentKind.Bytes:
                var span = content.Bytes.Span;
                builder.Append(">[").Append(span.Length).Append(" bytes");
                if (!span.IsEmpty)
                {
                    builder.Append(' ').Append(Convert.ToHexStringLower(span[..Math.Min(span.Length, BytesPrefixShown)]));
                    if (span.Length > BytesPrefixShown)
                    {
                        builder.Append('…');
                    }
                }
                builder.Append(']');
                break;
            case NodeContentKind.Text:
                builder.Append('>');
                var text = content.Text ?? "";
                AppendEscaped(builder, text.Length <= TextShown ? text : string.Concat(text.AsSpan(0, TextShown), "…"));
                break;
            case NodeContentKind.Jid:
                builder.Append('>');
                AppendEscaped(builder, content.Jid.ToString() ?? "");
                break;
        }
        builder.Append("</").Append(node.Tag).Append('>');
    }

    private static void AppendEscaped(StringBuilder builder, string text)
    {
        foreach (var c in text)
        {
            switch (c)
            {
                case '<': builder.Append("&lt;"); break;
                case '>': builder.Append("&gt;"); break;
                case '&': builder.Append("&amp;"); break;
                case '"': builder.Append("&quot;"); break;
                default:
                    if (char.IsControl(c))
                    {
                        builder.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }
                    break;
            }
        }
    }
}
