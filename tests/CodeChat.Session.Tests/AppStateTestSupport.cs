using System.Text.Json;
using CodeChat.WhatsApp.Proto;
using Google.Protobuf;
using Npgsql;

namespace CodeChat.Session.Tests;

/// <summary>What the app-state tests share: the phone's key share, and reading events, rows and versions.</summary>
internal static class AppStateTestSupport
{
    public const string RegularLow = "regular_low";
    public const string RegularHigh = "regular_high";
    public const string CriticalUnblockLow = "critical_unblock_low";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The APP_STATE_SYNC_KEY_SHARE our phone sends its companions.</summary>
    public static Message KeyShare(byte[] keyId, byte[] keyData)
    {
        var share = new AppStateSyncKeyShare();
        share.Keys.Add(new AppStateSyncKey
        {
            KeyID = new AppStateSyncKeyId { KeyID = ByteString.CopyFrom(keyId) },
            KeyData = new AppStateSyncKeyData { KeyData = ByteString.CopyFrom(keyData), Timestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() },
        });
        return new Message { ProtocolMessage = new ProtocolMessage { Type = ProtocolMessage.Types.Type.AppStateSyncKeyShare, AppStateSyncKeyShare = share } };
    }

    /// <summary>True when a chats.update names <paramref name="jid"/> with <paramref name="property"/> at <paramref name="expected"/>.</summary>
    public static bool IsChange(JsonElement data, string jid, string property, object expected)
    {
        var item = data[0];
        if (item.GetProperty("remoteJid").GetString() != jid || !item.GetProperty("content").TryGetProperty(property, out var value))
            return false;
        return expected switch
        {
            bool flag => value.ValueKind == (flag ? JsonValueKind.True : JsonValueKind.False),
            long number => value.ValueKind == JsonValueKind.Number && value.GetInt64() == number,
            _ => false,
        };
    }

    public static async Task<JsonElement> ChatRowAsync(SendingInstance instance, string jid)
    {
        var (_, chats) = await instance.Host.GetAsync($"/chat/findChats/{Uri.EscapeDataString(instance.Name)}");
        return chats.EnumerateArray().Single(c => c.GetProperty("remoteJid").GetString() == jid);
    }

    public static async Task<long> CountAsync(SendingInstance instance, string sql)
    {
        await using var data = NpgsqlDataSource.Create(instance.ConnectionString);
        await using var command = data.CreateCommand(sql);
        command.Parameters.AddWithValue(instance.Name);
        return (long)(await command.ExecuteScalarAsync(Ct))!;
    }

    /// <summary>The app-state version stored per collection of the instance.</summary>
    public static async Task<Dictionary<string, long>> VersionsAsync(SendingInstance instance)
    {
        await using var data = NpgsqlDataSource.Create(instance.ConnectionString);
        await using var command = data.CreateCommand("SELECT name, version FROM app_state_collections WHERE instance_name = $1");
        command.Parameters.AddWithValue(instance.Name);
        var versions = new Dictionary<string, long>();
        await using var reader = await command.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct))
            versions[reader.GetString(0)] = reader.GetInt64(1);
        return versions;
    }

    public static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + SendingInstance.Patience;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not hold in time.");
            await Task.Delay(100, Ct);
        }
    }
}
