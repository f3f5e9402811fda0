namespace CodeChat.Api.OpenApi;

/// <summary>Endpoint metadata: a JSON request body shown as the example in Swagger.</summary>
public sealed record RequestBodyExample(string Json);
