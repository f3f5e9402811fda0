namespace CodeChat.Api.OpenApi;

/// <summary>Endpoint metadata: a JSON response body shown as the example of one status code in Swagger.</summary>
public sealed record ResponseExample(int StatusCode, string Json);
