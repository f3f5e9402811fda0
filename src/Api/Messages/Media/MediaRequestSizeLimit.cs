using Microsoft.AspNetCore.Http.Metadata;

namespace CodeChat.Api.Messages.Media;

/// <summary>
/// The body limit of the media routes: room for the largest file the media limits allow, as base64 in
/// JSON (4/3 of it) plus 1 MiB for the rest of the body; Kestrel's 30 MB default would refuse a
/// document CodeChat accepts. The files themselves are capped per kind while they stream.
/// </summary>
internal sealed class MediaRequestSizeLimit(long maxFileBytes) : IRequestSizeLimitMetadata
{
    public long? MaxRequestBodySize { get; } = maxFileBytes / 3 * 4 + 4 + 1024 * 1024;
}
