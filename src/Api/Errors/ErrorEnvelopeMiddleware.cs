using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CodeChat.Api.Errors;

/// <summary>
/// Gives every failure CodeChat's envelope: a request the server rejects keeps its status (e.g. 413),
/// other unhandled exceptions become a 500 that names only the request id, and any error status
/// left without a body (unknown route, wrong method) gets one.
/// </summary>
public sealed partial class ErrorEnvelopeMiddleware(RequestDelegate next, ILogger<ErrorEnvelopeMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (BadHttpRequestException exception) when (!context.Response.HasStarted)
        {
            // The client's fault (body over the size limit, malformed request line, ...): the server's
            // status and its message, not a 500 with an error in the log.
            LogRejected(context.Request.Method, context.Request.Path, exception.StatusCode, exception.Message);
            var requestId = RequestIdMiddleware.Get(context);
            context.Response.Clear();
            RequestIdMiddleware.Set(context, requestId);
            await ApiErrors.WriteAsync(context, exception.StatusCode, exception.Message);
            return;
        }
        catch (Exception exception) when (!context.RequestAborted.IsCancellationRequested)
        {
            var requestId = RequestIdMiddleware.Get(context);
            LogUnhandled(exception, context.Request.Method, context.Request.Path, requestId);
            if (context.Response.HasStarted)
                throw;
            context.Response.Clear();
            RequestIdMiddleware.Set(context, requestId);
            await ApiErrors.WriteAsync(context, StatusCodes.Status500InternalServerError,
                $"Internal server error (request id {requestId})");
            return;
        }

        if (!context.Response.HasStarted
            && context.Response.StatusCode >= 400
            && context.Response.ContentLength is null or 0
            && string.IsNullOrEmpty(context.Response.ContentType))
        {
            var status = context.Response.StatusCode;
            object[] messages = status is StatusCodes.Status404NotFound or StatusCodes.Status405MethodNotAllowed
                ? [$"Cannot {context.Request.Method} {context.Request.Path}"]
                : [];
            await ApiErrors.WriteAsync(context, status, messages);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled error on {Method} {Path} (request id {RequestId})")]
    private partial void LogUnhandled(Exception exception, string method, string path, string requestId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Rejected {Method} {Path} with {Status}: {Reason}")]
    private partial void LogRejected(string method, string path, int status, string reason);
}
