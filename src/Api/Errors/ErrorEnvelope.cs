using System.Text.Json.Serialization;

namespace CodeChat.Api.Errors;

/// <summary>CodeChat's error body: <c>{status, error, message[]}</c>; <c>message</c> is left out when there is none.</summary>
public sealed record ErrorEnvelope(
    int Status,
    string Error,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<object>? Message);

/// <summary>One failed field of a request, as CodeChat's JSON-schema validation reports it.</summary>
public sealed record ValidationFailure(string Property, string Message);
