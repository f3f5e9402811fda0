using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using CodeChat.Media.Sources;
using Microsoft.Extensions.Options;

namespace CodeChat.Media.Preparation;

/// <summary>
/// Reads a link preview as WhatsApp clients show it (title, description, small JPEG): the page's Open
/// Graph tags (<c>og:title</c>, <c>og:description</c>, <c>og:image</c>), else its <c>&lt;title&gt;</c> and
/// meta description. Pages and images are fetched through <see cref="MediaUrlFetcher"/>, so the same
/// address policy, timeout and a <see cref="MediaOptions.LinkPreviewMaxBytes"/> cap apply.
/// </summary>
public sealed partial class LinkPreviewReader(MediaUrlFetcher fetcher, IOptions<MediaOptions> options)
{
    private readonly MediaOptions _options = options.Value;

    /// <summary>
    /// The page's preview; null when the page cannot be fetched or is not HTML (a preview is an
    /// extra, not a reason to refuse the send).
    /// </summary>
    public async Task<(string? Title, string? Description, string? ImageUrl)?> ReadPageAsync(Uri page, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        try
        {
            await using var source = await fetcher.FetchAsync(page, _options.LinkPreviewMaxBytes, "linkMessage.link", cancellationToken).ConfigureAwait(false);
            if (source.ContentType is { } type && !type.Contains("html", StringComparison.OrdinalIgnoreCase))
                return null;
            using var reader = new StreamReader(source.Content, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            var html = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
            var image = Meta(html, "og:image");
            return (Meta(html, "og:title") ?? Title(html), Meta(html, "og:description") ?? Meta(html, "description"),
                image is not null && Uri.TryCreate(page, image, out var absolute) ? absolute.ToString() : null);
        }
        catch (MediaInputException)
        {
            return null;
        }
    }

    /// <summary>
    /// The JPEG thumbnail of the image at <paramref name="imageUrl"/>; an unusable URL or image is a
    /// <see cref="MediaInputException"/> naming <paramref name="field"/>.
    /// </summary>
    public async Task<ImageFacts> ReadThumbnailAsync(Uri imageUrl, string field, CancellationToken cancellationToken)
    {
        await using var source = await fetcher.FetchAsync(imageUrl, _options.LinkPreviewMaxBytes, field, cancellationToken).ConfigureAwait(false);
        return ImageThumbnailer.Describe(source.Path, _options.ThumbnailMaxWidth, _options.ThumbnailMaxHeight)
            ?? throw new MediaInputException(field, $"{field} is not an image");
    }

    /// <summary>The content of <c>&lt;meta property|name="<paramref name="name"/>" content="…"&gt;</c>, attributes in either order.</summary>
    internal static string? Meta(string html, string name)
    {
        foreach (Match tag in MetaTag().Matches(html))
        {
            var attributes = tag.Value;
            var key = Attribute(attributes, "property") ?? Attribute(attributes, "name");
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase) && Attribute(attributes, "content") is { Length: > 0 } content)
                return content;
        }
        return null;
    }

    private static string? Title(string html)
    {
        var match = TitleTag().Match(html);
        return match.Success ? Clean(match.Groups[1].Value) : null;
    }

    private static string? Attribute(string tag, string name)
    {
        var match = Regex.Match(tag, $"""\s{name}\s*=\s*(?:"([^"]*)"|'([^']*)')""", RegexOptions.IgnoreCase, TimeSpan.FromSeconds(1));
        return match.Success ? Clean(match.Groups[1].Success ? match.Groups[1].Value : match.Groups[2].Value) : null;
    }

    private static string? Clean(string text)
    {
        var decoded = WebUtility.HtmlDecode(text).Trim();
        return decoded.Length == 0 ? null : decoded;
    }

    [GeneratedRegex("<meta\\b[^>]*>", RegexOptions.IgnoreCase, 1000)]
    private static partial Regex MetaTag();

    [GeneratedRegex("<title[^>]*>([^<]*)</title>", RegexOptions.IgnoreCase, 1000)]
    private static partial Regex TitleTag();
}
