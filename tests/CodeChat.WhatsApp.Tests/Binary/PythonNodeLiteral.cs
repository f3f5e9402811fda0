using System.Text;
using CodeChat.WhatsApp.Binary;

namespace CodeChat.WhatsApp.Tests.Binary;

/// <summary>
/// Parses the ".decoded" form of the binary vectors, a Python literal
/// <c>(tag, [(name, value), ...], content)</c> where content is <c>None</c>, <c>b'...'</c> or a list of nodes.
/// Attribute values containing '@' are JIDs: the vectors' encoded bytes write them in JID form.
/// </summary>
internal sealed class PythonNodeLiteral
{
    private readonly string _text;
    private int _position;

    private PythonNodeLiteral(string text) => _text = text;

    public static Node Parse(string text)
    {
        var parser = new PythonNodeLiteral(text);
        var node = parser.ReadNode();
        parser.SkipSpace();
        if (parser._position != text.Length)
        {
            throw new FormatException($"Trailing text at {parser._position}.");
        }
        return node;
    }

    private Node ReadNode()
    {
        Expect('(');
        var tag = ReadString();
        Expect(',');
        var attributes = new List<NodeAttribute>();
        Expect('[');
        while (!TryConsume(']'))
        {
            Expect('(');
            var name = ReadString();
            Expect(',');
            var value = ReadString();
            Expect(')');
            TryConsume(',');
            attributes.Add(new NodeAttribute(name, value.Contains('@') ? Jid.Parse(value) : value));
        }
        Expect(',');
        SkipSpace();
        NodeContent content;
        if (_text.AsSpan(_position).StartsWith("None"))
        {
            _position += 4;
            content = NodeContent.None;
        }
        else if (Peek() == 'b')
        {
            _position++;
            content = NodeContent.FromBytes(Encoding.Latin1.GetBytes(ReadString()));
        }
        else if (Peek() == '[')
        {
            _position++;
            var children = new List<Node>();
            while (!TryConsume(']'))
            {
                children.Add(ReadNode());
                TryConsume(',');
            }
            content = NodeContent.FromChildren(children);
        }
        else
        {
            content = NodeContent.FromText(ReadString());
        }
        Expect(')');
        return new Node(tag, NodeAttributes.Create(attributes), content);
    }

    private string ReadString()
    {
        SkipSpace();
        var quote = _text[_position++];
        if (quote is not ('\'' or '"'))
        {
            throw new FormatException($"Expected a string at {_position - 1}.");
        }
        var builder = new StringBuilder();
        while (_text[_position] != quote)
        {
            var c = _text[_position++];
            if (c != '\\')
            {
                builder.Append(c);
                continue;
            }
            var escaped = _text[_position++];
            switch (escaped)
            {
                case 'n': builder.Append('\n'); break;
                case 'r': builder.Append('\r'); break;
                case 't': builder.Append('\t'); break;
                case 'x':
                    builder.Append((char)Convert.ToInt32(_text.Substring(_position, 2), 16));
                    _position += 2;
                    break;
                default: builder.Append(escaped); break;
            }
        }
        _position++;
        return builder.ToString();
    }

    private char Peek()
    {
        SkipSpace();
        return _text[_position];
    }

    private bool TryConsume(char c)
    {
        if (Peek() != c)
        {
            return false;
        }
        _position++;
        return true;
    }

    private void Expect(char c)
    {
        if (!TryConsume(c))
        {
            throw new FormatException($"Expected '{c}' at {_position} in {_text}.");
        }
    }

    private void SkipSpace()
    {
        while (_position < _text.Length && char.IsWhiteSpace(_text[_position]))
        {
            _position++;
        }
    }
}
