using System.Text;
using System.Text.Json;
using CodeChat.Api.Errors;
using CodeChat.Api.Instances;
using CodeChat.Media.Sources;
using CodeChat.WhatsApp.Media;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace CodeChat.Api.Messages.Media;

/// <summary>A multipart send: its text fields as a body object (<c>options[delay]=…</c> nested as in a form) and its file.</summary>
internal sealed record MultipartMedia(JsonElement Body, MediaSource? File, string? FileName) : IAsyncDisposable
{
    public async ValueTask DisposeAsync()
    {
        if (File is not null)
            await File.DisposeAsync();
    }
}

/// <summary>
/// Reads a <c>multipart/form-data</c> send (CodeChat 1.3's <c>sendMediaFile</c> / <c>sendWhatsAppAudioFile</c>)
/// section by section: the file field streams straight into a 0600 temporary file, capped while it
/// arrives; the text fields are collected (each at most 64 KB) and nested like an urlencoded form.
/// Nothing is buffered whole in memory, and ASP.NET's own form buffering is not used.
/// </summary>
internal static class MultipartMediaReader
{
    private const int MaxFieldBytes = 64 * 1024;
    private const int MaxFields = 256;

    /// <summary>The request's fields and its <paramref name="fileField"/> file, or the failure that prevents reading them.</summary>
    public static async Task<(MultipartMedia? Media, ValidationFailure? Failure)> ReadAsync(
        HttpRequest request, string fileField, long maxFileBytes, CancellationToken cancellationToken)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType)
            || !contentType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(contentType.Boundary) is not { Length: > 0 } boundary)
            return (null, new ValidationFailure(fileField, "Invalid File"));

        var reader = new MultipartReader(boundary.Value!, request.Body);
        var fields = new List<KeyValuePair<string, StringValues>>();
        MediaSource? file = null;
        string? fileName = null;
        try
        {
            while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
            {
                // IsFormDisposition() means a form field without a file; files are form-data too.
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                    || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase))
                    continue;
                var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "";
                if (disposition.IsFileDisposition())
                {
                    if (name != fileField || file is not null)
                    {
                        await section.Body.CopyToAsync(Stream.Null, cancellationToken);
                        continue;
                    }
                    fileName = Path.GetFileName(HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value);
                    file = await MediaSource.FromStreamAsync(section.Body, section.ContentType, fileName, maxFileBytes, fileField, cancellationToken);
                    continue;
                }
                if (fields.Count >= MaxFields)
                    return (null, new ValidationFailure("body", $"The form has more than {MaxFields} fields"));
                var value = await ReadFieldAsync(section.Body, cancellationToken);
                if (value is null)
                    return (null, new ValidationFailure(name, $"{name} is longer than {MaxFieldBytes} bytes"));
                fields.Add(new(name, value));
            }
        }
        catch (InvalidDataException exception)
        {
            if (file is not null)
                await file.DisposeAsync();
            return (null, new ValidationFailure("body", $"The multipart body cannot be read: {exception.Message}"));
        }
        catch
        {
            if (file is not null)
                await file.DisposeAsync();
            throw;
        }

        var (form, failure) = UrlEncodedForm.ToJsonObject(fields);
        if (failure is not null)
        {
            if (file is not null)
                await file.DisposeAsync();
            return (null, failure);
        }
        using var document = JsonDocument.Parse(form!.ToJsonString());
        return (new MultipartMedia(document.RootElement.Clone(), file, fileName), null);
    }

    private static async Task<string?> ReadFieldAsync(Stream body, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        if (await BoundedCopy.CopyAsync(body, buffer, MaxFieldBytes, null, cancellationToken) < 0)
            return null;
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
