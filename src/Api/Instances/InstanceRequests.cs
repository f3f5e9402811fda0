using System.Text.Json;

namespace CodeChat.Api.Instances;

/// <summary>Body of POST /instance/create.</summary>
/// <param name="InstanceName">1–255 characters without / \ ? # % or control characters; case-sensitive; unique.</param>
/// <param name="Description">Optional, at least one character.</param>
/// <param name="ExternalAttributes">Any JSON, stored and echoed back verbatim.</param>
public sealed record CreateInstanceRequest(string InstanceName, string? Description, JsonElement? ExternalAttributes);

/// <summary>Body of PATCH /instance/update/{instanceName}; <c>description</c> may also come in the query string.</summary>
public sealed record UpdateInstanceRequest(string? Description, JsonElement? ExternalAttributes);

/// <summary>Body of PUT /instance/refreshToken/{instanceName}.</summary>
public sealed record RefreshTokenRequest(string OldToken);
