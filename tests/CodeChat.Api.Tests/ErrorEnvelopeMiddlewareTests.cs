using System.Text.Json;
using CodeChat.Api.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace CodeChat.Api.Tests;

/// <summary>
/// Failures raised below the routes, where an in-memory test server cannot provoke them (Kestrel
/// enforces the body size limit, the test server does not).
/// </summary>
public sealed class ErrorEnvelopeMiddlewareTests
{
    [Fact]
    public async Task A_request_the_server_rejects_keeps_its_status_in_the_envelope()
    {
        var context = NewContext();
        var middleware = new ErrorEnvelopeMiddleware(
            _ => throw new BadHttpRequestException("Request body too large. The max request body size is 30000000 bytes.", StatusCodes.Status413PayloadTooLarge),
            NullLogger<ErrorEnvelopeMiddleware>.Instance);

        await middleware.InvokeAsync(context);

        var body = await ReadBodyAsync(context);
        Assert.Equal(StatusCodes.Status413PayloadTooLarge, context.Response.StatusCode);
        Assert.Equal(413, body.GetProperty("status").GetInt32());
        Assert.Equal("Payload Too Large", body.GetProperty("error").GetString());
        Assert.Contains("too large", body.GetProperty("message")[0].GetString());
        Assert.Equal("req-1", context.Response.Headers[RequestIdMiddleware.HeaderName].ToString());
    }

    [Fact]
    public async Task Any_other_exception_is_a_500_naming_only_the_request_id()
    {
        var context = NewContext();
        var middleware = new ErrorEnvelopeMiddleware(
            _ => throw new InvalidOperationException("connection string Password=secret"),
            NullLogger<ErrorEnvelopeMiddleware>.Instance);

        await middleware.InvokeAsync(context);

        var text = await ReadTextAsync(context);
        Assert.Equal(StatusCodes.Status500InternalServerError, context.Response.StatusCode);
        Assert.DoesNotContain("secret", text);
        Assert.Contains("req-1", text);
    }

    private static DefaultHttpContext NewContext()
    {
        var context = new DefaultHttpContext();
        context.Items[RequestIdMiddleware.HeaderName] = "req-1";
        context.Response.Body = new MemoryStream();
        return context;
    }

    private static async Task<string> ReadTextAsync(HttpContext context)
    {
        context.Response.Body.Position = 0;
        return await new StreamReader(context.Response.Body).ReadToEndAsync(TestContext.Current.CancellationToken);
    }

    private static async Task<JsonElement> ReadBodyAsync(HttpContext context) =>
        JsonDocument.Parse(await ReadTextAsync(context)).RootElement;
}
