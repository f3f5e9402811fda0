using System.Text.Json;
using CodeChat.WhatsApp.Crypto;
using CodeChat.WhatsApp.History;
using CodeChat.WhatsApp.Proto;

namespace CodeChat.WhatsApp.Tests.History;

/// <summary>
/// Known answers from Baileys 7's own code (tests/interop/vectors/history-sync-baileys.json, made by
/// tests/interop/history-blob.mjs with proto.HistorySync.encode, zlib deflate and encryptedStream for
/// 'md-msg-hist'): our media decryption with the history keys, inflate and decode give back exactly
/// what Baileys encoded, and a blob that was tampered with is refused.
/// </summary>
public sealed class HistorySyncVectorTests
{
    private static readonly Lazy<JsonElement> Vectors = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Vectors", "history-sync-baileys.json"))).RootElement);

    public static TheoryData<int> Chunks() => [.. Enumerable.Range(0, Vectors.Value.GetProperty("chunks").GetArrayLength())];

    [Theory]
    [MemberData(nameof(Chunks))]
    public async Task Baileys_blob_decrypts_inflates_and_decodes_to_what_Baileys_encoded(int index)
    {
        var chunk = Vectors.Value.GetProperty("chunks")[index];
        var plaintext = Decrypt(chunk, Bytes(chunk, "encrypted"));
        Assert.Equal(chunk.GetProperty("fileLength").GetInt32(), plaintext.Length);

        var history = await HistorySyncPayload.DecodeAsync(plaintext, cancellationToken: TestContext.Current.CancellationToken);

        var expected = chunk.GetProperty("history");
        Assert.Equal(chunk.GetProperty("syncType").GetInt32(), (int)history.SyncType);
        Assert.Equal(chunk.GetProperty("chunkOrder").GetUInt32(), history.ChunkOrder);
        Assert.Equal(chunk.GetProperty("progress").GetUInt32(), history.Progress);
        var conversations = Array(expected, "conversations");
        Assert.Equal(conversations.Count, history.Conversations.Count);
        for (var i = 0; i < conversations.Count; i++)
        {
            var want = conversations[i];
            var got = history.Conversations[i];
            Assert.Equal(want.GetProperty("id").GetString(), got.ID);
            Assert.Equal(Optional(want, "name"), got.HasName ? got.Name : null);
            Assert.Equal(Optional(want, "displayName"), got.HasDisplayName ? got.DisplayName : null);
            Assert.Equal(Optional(want, "lidJid"), got.HasLidJID ? got.LidJID : null);
            Assert.Equal(Optional(want, "pnJid"), got.HasPnJID ? got.PnJID : null);
            Assert.Equal(want.TryGetProperty("unreadCount", out var unread) ? unread.GetUInt32() : 0u, got.UnreadCount);
            var messages = Array(want, "messages");
            Assert.Equal(messages.Count, got.Messages.Count);
            for (var m = 0; m < messages.Count; m++)
            {
                var wantInfo = messages[m].GetProperty("message");
                var info = got.Messages[m].Message;
                Assert.Equal(wantInfo.GetProperty("key").GetProperty("id").GetString(), info.Key.ID);
                Assert.Equal(wantInfo.GetProperty("key").GetProperty("fromMe").GetBoolean(), info.Key.FromMe);
                Assert.Equal(long.Parse(wantInfo.GetProperty("messageTimestamp").ToString(), System.Globalization.CultureInfo.InvariantCulture), (long)info.MessageTimestamp);
                var body = wantInfo.GetProperty("message");
                if (body.TryGetProperty("conversation", out var text))
                    Assert.Equal(text.GetString(), info.Message.Conversation);
                if (body.TryGetProperty("imageMessage", out var image))
                {
                    Assert.Equal(image.GetProperty("caption").GetString(), info.Message.ImageMessage.Caption);
                    Assert.Equal(Convert.FromBase64String(image.GetProperty("mediaKey").GetString()!), info.Message.ImageMessage.MediaKey.ToByteArray());
                }
            }
        }
        var pushnames = Array(expected, "pushnames");
        Assert.Equal(pushnames.Select(p => (p.GetProperty("id").GetString(), p.GetProperty("pushname").GetString())),
            history.Pushnames.Select(p => ((string?)p.ID, (string?)p.Pushname_)));
        var mappings = Array(expected, "phoneNumberToLidMappings");
        Assert.Equal(mappings.Select(p => (p.GetProperty("pnJid").GetString(), p.GetProperty("lidJid").GetString())),
            history.PhoneNumberToLidMappings.Select(p => ((string?)p.PnJID, (string?)p.LidJID)));
    }

    [Fact]
    public void A_tampered_blob_fails_its_hash_and_with_the_right_hash_its_mac()
    {
        var chunk = Vectors.Value.GetProperty("chunks")[0];
        var body = Bytes(chunk, "encrypted");
        body[body.Length / 2] ^= 0x01;

        Assert.Throws<MediaIntegrityException>(() => Decrypt(chunk, body));
        // the fileEncSha256 check left out, the MAC still catches it
        Assert.Throws<MediaIntegrityException>(() => MediaCrypto.Decrypt(body, Bytes(chunk, "mediaKey"), MediaType.History));
        // the same blob under another media type's keys does not verify either
        Assert.Throws<MediaIntegrityException>(() => MediaCrypto.Decrypt(Bytes(chunk, "encrypted"), Bytes(chunk, "mediaKey"), MediaType.AppState));
    }

    [Fact]
    public async Task A_payload_that_is_not_zlib_or_inflates_past_the_limit_is_refused()
    {
        var ct = TestContext.Current.CancellationToken;
        var chunk = Vectors.Value.GetProperty("chunks")[0];
        var plaintext = Decrypt(chunk, Bytes(chunk, "encrypted"));

        await Assert.ThrowsAsync<HistorySyncException>(() => HistorySyncPayload.DecodeAsync(new byte[] { 1, 2, 3, 4, 5 }, cancellationToken: ct));
        await Assert.ThrowsAsync<HistorySyncException>(() => HistorySyncPayload.DecodeAsync(plaintext, maxInflatedBytes: 16, cancellationToken: ct));
    }

    private static byte[] Decrypt(JsonElement chunk, byte[] body) =>
        MediaCrypto.Decrypt(body, Bytes(chunk, "mediaKey"), MediaType.History, Bytes(chunk, "fileEncSha256"), Bytes(chunk, "fileSha256"));

    private static byte[] Bytes(JsonElement chunk, string name) => Convert.FromBase64String(chunk.GetProperty(name).GetString()!);

    private static List<JsonElement> Array(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var array) ? [.. array.EnumerateArray()] : [];

    private static string? Optional(JsonElement parent, string name) => parent.TryGetProperty(name, out var value) ? value.GetString() : null;
}
