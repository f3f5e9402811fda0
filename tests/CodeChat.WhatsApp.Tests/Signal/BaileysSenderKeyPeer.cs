using System.Text.Json.Nodes;
using CodeChat.Testing;
using CodeChat.WhatsApp.Signal.Groups;

namespace CodeChat.WhatsApp.Tests.Signal;

/// <summary>
/// Baileys 7's own sender-key classes in a child Node process (tests/interop/senderkey-peer.mjs),
/// one command at a time over line-delimited JSON (<see cref="NodeLinePeer"/>): the independent
/// implementation our group cipher must interoperate with. A refused command throws
/// <see cref="NodeLinePeerException"/> with Baileys' own error text.
/// </summary>
internal sealed class BaileysSenderKeyPeer : IAsyncDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);

    private readonly NodeLinePeer _node;

    private BaileysSenderKeyPeer(NodeLinePeer node) => _node = node;

    /// <param name="keepBuffers">
    /// Store records with Baileys' BufferJSON replacer instead of Baileys' own plain JSON, which
    /// loses the kept skipped message keys (Baileys 7.0.0-rc14 bug; see senderkey-peer.mjs).
    /// </param>
    public static async Task<BaileysSenderKeyPeer> StartAsync(CancellationToken cancellationToken, bool keepBuffers = false) =>
        new(await NodeLinePeer.StartAsync("senderkey-peer.mjs", keepBuffers ? ["--keep-buffers"] : [], CommandTimeout, cancellationToken));

    public async Task<byte[]> CreateAsync(SenderKeyName name, CancellationToken cancellationToken) =>
        Bytes(await CommandAsync("create", name, null, cancellationToken), "skdm");

    public Task ProcessAsync(SenderKeyName name, ReadOnlyMemory<byte> skdm, CancellationToken cancellationToken) =>
        CommandAsync("process", name, ("skdm", skdm), cancellationToken);

    public async Task<byte[]> EncryptAsync(SenderKeyName name, ReadOnlyMemory<byte> plaintext, CancellationToken cancellationToken) =>
        Bytes(await CommandAsync("encrypt", name, ("plaintext", plaintext), cancellationToken), "ciphertext");

    public async Task<byte[]> DecryptAsync(SenderKeyName name, ReadOnlyMemory<byte> ciphertext, CancellationToken cancellationToken) =>
        Bytes(await CommandAsync("decrypt", name, ("ciphertext", ciphertext), cancellationToken), "plaintext");

    /// <summary>Drops Baileys' record for the name, as a sender-key reset does.</summary>
    public Task ForgetAsync(SenderKeyName name, CancellationToken cancellationToken) =>
        CommandAsync("forget", name, null, cancellationToken);

    public ValueTask DisposeAsync() => _node.DisposeAsync();

    private static byte[] Bytes(JsonObject reply, string property) => Convert.FromBase64String(reply[property]!.GetValue<string>());

    private Task<JsonObject> CommandAsync(string command, SenderKeyName name, (string Name, ReadOnlyMemory<byte> Value)? payload, CancellationToken cancellationToken)
    {
        var request = new JsonObject
        {
            ["cmd"] = command,
            ["group"] = name.Group.ToString(),
            ["sender"] = name.Sender.ToString(),
        };
        if (payload is { } p)
        {
            request[p.Name] = Convert.ToBase64String(p.Value.Span);
        }
        return _node.RequestAsync(request, CommandTimeout, cancellationToken);
    }
}
