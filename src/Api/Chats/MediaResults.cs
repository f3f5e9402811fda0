using System.Text.Json;
using CodeChat.Api.Json;
using CodeChat.Grains.Abstractions.Chats;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using HttpMediaType = System.Net.Http.Headers.MediaTypeHeaderValue;

namespace CodeChat.Api.Chats;

/// <summary>Raw bytes served inline with their type and file name (CodeChat's <c>binary=true</c> and <c>retrieverMediaMessage</c>).</summary>
public sealed class InlineFileResult(byte[] bytes, string contentType, string fileName) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = contentType;
        response.ContentLength = bytes.Length;
        var disposition = new ContentDispositionHeaderValue("inline");
        disposition.SetHttpFileName(fileName);
        response.Headers.ContentDisposition = disposition.ToString();
        await response.Body.WriteAsync(bytes, httpContext.RequestAborted);
    }
}

/// <summary>The parts of <c>mediaData</c>'s multipart answer (for Swagger; <see cref="MediaDataMultipartResult"/> writes them).</summary>
public sealed record MediaDataForm(string MediaType, string FileName, string Size, string Mimetype, string? Caption, IFormFile File);

/// <summary>
/// <c>mediaData</c>'s default answer, as CodeChat 1.3 streams it: <c>multipart/form-data</c> with the
/// fields <c>mediaType</c>, <c>fileName</c> (URI-encoded), <c>size</c> (JSON <c>{fileLength,height,width}</c>),
/// <c>mimetype</c>, <c>caption</c> (when there is one) and the <c>file</c> itself.
/// </summary>
public sealed class MediaDataMultipartResult(MediaDownload media) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var fileName = MediaFileNames.For(media);
        using var form = new MultipartFormDataContent();
        form.Add(new StringContent(media.MessageType ?? ""), "mediaType");
        form.Add(new StringContent(Uri.EscapeDataString(fileName)), "fileName");
        form.Add(new StringContent(JsonSerializer.Serialize(MediaSize.From(media), ApiJson.Options)), "size");
        form.Add(new StringContent(media.Mimetype ?? ""), "mimetype");
        if (!string.IsNullOrEmpty(media.Caption))
            form.Add(new StringContent(media.Caption), "caption");
        var file = new ByteArrayContent(media.Bytes!);
        file.Headers.ContentType = HttpMediaType.TryParse(media.Mimetype, out var type) ? type : new HttpMediaType("application/octet-stream");
        form.Add(file, "file", Uri.EscapeDataString(fileName));
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = form.Headers.ContentType!.ToString();
        await form.CopyToAsync(response.Body, httpContext.RequestAborted);
    }
}
