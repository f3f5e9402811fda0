using System.Text;
using CodeChat.Api.Errors;

namespace CodeChat.Api.Instances;

/// <summary>
/// Instance names as CodeChat 1.3 takes them (a <c>VARCHAR(255)</c> column, any text), minus what
/// breaks a URL path (api-contract.md §6): 1–255 characters, none of <c>/ \ ? # %</c> and no
/// control characters. Case-sensitive; clients URL-encode them in paths.
/// </summary>
public static class InstanceName
{
    /// <summary>In characters (Unicode scalar values), as PostgreSQL counts a varchar's length.</summary>
    public const int MaximumLength = 255;

    public const string Rule =
        "must be 1 to 255 characters without / \\ ? # % or control characters, and not \".\" or \"..\"";

    private const string PathBreakers = "/\\?#%";

    public static bool IsValid(string? name)
    {
        // "." and ".." are path segments every HTTP client collapses, so no request could name them.
        if (string.IsNullOrEmpty(name) || name is "." or "..")
            return false;
        var length = 0;
        var rest = name.AsSpan();
        while (!rest.IsEmpty)
        {
            // A lone surrogate (possible through a JSON \u escape) is no character at all.
            if (Rune.DecodeFromUtf16(rest, out var rune, out var consumed) != System.Buffers.OperationStatus.Done)
                return false;
            if (Rune.IsControl(rune) || (rune.IsAscii && PathBreakers.Contains((char)rune.Value, StringComparison.Ordinal)))
                return false;
            if (++length > MaximumLength)
                return false;
            rest = rest[consumed..];
        }
        return true;
    }

    public static ValidationFailure Invalid(string property = "instanceName") => new(property, $"{property} {Rule}");
}
