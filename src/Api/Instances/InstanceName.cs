using System.Text.RegularExpressions;
using CodeChat.Api.Errors;

namespace CodeChat.Api.Instances;

/// <summary>Instance names: 1–64 ASCII letters, digits, '-' or '_' (safe in paths, logs and keys).</summary>
public static partial class InstanceName
{
    public const int MaximumLength = 64;
    public const string Rule = "must be 1 to 64 characters: letters, digits, '-' or '_'";

    public static bool IsValid(string? name) => name is not null && Pattern().IsMatch(name);

    public static ValidationFailure Invalid(string property = "instanceName") => new(property, $"{property} {Rule}");

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
