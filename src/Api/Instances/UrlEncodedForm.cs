using System.Globalization;
using System.Text.Json.Nodes;
using CodeChat.Api.Errors;
using Microsoft.Extensions.Primitives;

namespace CodeChat.Api.Instances;

/// <summary>
/// Turns an <c>application/x-www-form-urlencoded</c> body into the JSON object a JSON client would
/// have sent, the way CodeChat 1.3 reads such bodies (Express <c>urlencoded({ extended: true })</c>,
/// i.e. the <c>qs</c> library): <c>a[b]=1</c> is <c>{"a":{"b":"1"}}</c>, <c>a[]=1&amp;a[]=2</c> and
/// <c>a=1&amp;a=2</c> are <c>{"a":["1","2"]}</c>, <c>a[0]=x&amp;a[1]=y</c> is an array, and every value
/// is a string. The route then validates the object exactly as it validates JSON.
/// </summary>
public static class UrlEncodedForm
{
    public const string MediaType = "application/x-www-form-urlencoded";

    /// <summary>qs' arrayLimit: an index above it makes an object key instead of an array slot.</summary>
    private const int ArrayIndexLimit = 20;

    /// <summary>body-parser 2's depth for qs; brackets beyond it stay part of the last key.</summary>
    private const int MaximumDepth = 32;

    /// <summary>The JSON object for the form's fields, or the failure naming the field that cannot be one.</summary>
    public static (JsonObject? Body, ValidationFailure? Failure) ToJsonObject(IEnumerable<KeyValuePair<string, StringValues>> fields)
    {
        var root = new Branch();
        foreach (var (key, values) in fields)
        {
            var path = Split(key);
            foreach (var value in values)
            {
                if (!root.Assign(path, 0, value ?? ""))
                    return (null, new ValidationFailure(path[0], $"{path[0]} is given both as a value and as an object in the form"));
            }
        }
        return ((JsonObject)root.ToJson(asRoot: true), null);
    }

    /// <summary>
    /// <c>a[b][]</c> → <c>a</c>, <c>b</c>, <c>""</c> (append), as qs splits keys: a key without a
    /// well-formed bracket stays whole, text after the last bracket is dropped, and what lies beyond
    /// the depth limit becomes one last segment.
    /// </summary>
    private static List<string> Split(string key)
    {
        var open = key.IndexOf('[', StringComparison.Ordinal);
        if (open <= 0 || key.IndexOf(']', open + 1) < 0)
            return [key];
        var segments = new List<string> { key[..open] };
        var position = open;
        while (segments.Count <= MaximumDepth && position < key.Length && key[position] == '[')
        {
            var close = key.IndexOf(']', position + 1);
            if (close < 0)
                break;
            segments.Add(key[(position + 1)..close]);
            position = close + 1;
        }
        if (segments.Count > MaximumDepth && position < key.Length)
            segments.Add(key[position..]);
        return segments;
    }

    /// <summary>One object-or-array level of the form, keyed in the order fields arrived.</summary>
    private sealed class Branch
    {
        private readonly List<KeyValuePair<string, object>> children = [];
        private int appended;

        public bool Assign(List<string> path, int depth, string value)
        {
            var key = path[depth];
            if (key.Length == 0)
                key = "\0" + (appended++).ToString(CultureInfo.InvariantCulture); // "[]": a new slot each time
            var index = children.FindIndex(child => child.Key == key);
            var existing = index < 0 ? null : children[index].Value;

            if (depth == path.Count - 1)
            {
                if (existing is Branch)
                    return false;
                if (existing is List<string> values)
                    values.Add(value);
                else
                    children.Add(new(key, new List<string> { value }));
                return true;
            }

            if (existing is List<string>)
                return false;
            if (existing is not Branch branch)
            {
                branch = new Branch();
                children.Add(new(key, branch));
            }
            return branch.Assign(path, depth + 1, value);
        }

        public JsonNode ToJson(bool asRoot)
        {
            if (!asRoot && IsArray(out var ordered))
                return new JsonArray([.. ordered.Select(Convert)]);
            var json = new JsonObject();
            foreach (var (key, child) in children)
                json[key.StartsWith('\0') ? key[1..] : key] = Convert(child);
            return json;
        }

        /// <summary>Only "[]" appends and small indices: an array, compacted in index order as qs does.</summary>
        private bool IsArray(out List<object> ordered)
        {
            ordered = [];
            var slots = new List<(int Index, int Arrival, object Child)>();
            for (var arrival = 0; arrival < children.Count; arrival++)
            {
                var (key, child) = children[arrival];
                if (key.StartsWith('\0'))
                    slots.Add((int.MaxValue, arrival, child));
                else if (int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var slot)
                    && slot <= ArrayIndexLimit
                    && slot.ToString(CultureInfo.InvariantCulture) == key)
                    slots.Add((slot, arrival, child));
                else
                    return false;
            }
            ordered = [.. slots.OrderBy(s => s.Index).ThenBy(s => s.Arrival).Select(s => s.Child)];
            return true;
        }

        private static JsonNode Convert(object child) => child switch
        {
            Branch branch => branch.ToJson(asRoot: false),
            List<string> { Count: 1 } values => JsonValue.Create(values[0]),
            List<string> values => new JsonArray([.. values.Select(v => (JsonNode)JsonValue.Create(v))]),
            _ => throw new InvalidOperationException("Unexpected form node."),
        };
    }
}
