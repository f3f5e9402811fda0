using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CodeChat.Testing;
using CodeChat.WhatsApp.Crypto;
using CodeChat.WhatsApp.Signal;

namespace CodeChat.WhatsApp.Tests.Signal;

/// <summary>
/// An unmodified libsignal-node (the one Baileys 7 uses) in a child Node process running
/// tests/interop/signal-peer.mjs: one JSON command line in, one reply line out (<see cref="NodeLinePeer"/>).
/// </summary>
internal sealed class LibsignalNodePeer : IAsyncDisposable
{
    // Generous for a loaded 2-core machine: a command of 200 encryptions takes well under a second idle.
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(120);

    private readonly NodeLinePeer _node;

    private LibsignalNodePeer(NodeLinePeer node) => _node = node;

    public static async Task<LibsignalNodePeer> StartAsync(CancellationToken cancellationToken) =>
        new(await NodeLinePeer.StartAsync("signal-peer.mjs", null, ReplyTimeout, cancellationToken));

    /// <summary>A new identity and prekeys (also a re-install); returns the 33-byte identity key.</summary>
    public async Task<Curve25519PublicKey> InstallAsync(int preKeys = 10) =>
        Curve25519PublicKey.FromBytes(Convert.FromHexString((await CommandAsync(new { cmd = "install", preKeys }))["identityKey"]!.GetValue<string>()));

    public async Task<PreKeyBundle> GetBundleAsync()
    {
        var bundle = (await CommandAsync(new { cmd = "bundle" }))["bundle"]!;
        var signed = bundle["signedPreKey"]!;
        var preKey = bundle["preKey"];
        return new PreKeyBundle(
            bundle["registrationId"]!.GetValue<uint>(),
            Curve25519PublicKey.FromBytes(Hex(bundle["identityKey"])),
            signed["keyId"]!.GetValue<uint>(),
            Curve25519PublicKey.FromBytes(Hex(signed["publicKey"])),
            Hex(signed["signature"]),
            preKey?["keyId"]!.GetValue<uint>(),
            preKey is null ? null : Curve25519PublicKey.FromBytes(Hex(preKey["publicKey"])));
    }

    public Task ProcessBundleAsync(SignalAddress address, PreKeyBundle bundle) =>
        CommandAsync(new
        {
            cmd = "processBundle",
            address = address.ToString(),
            bundle = new
            {
                registrationId = bundle.RegistrationId,
                identityKey = ToHex(bundle.IdentityKey.Signal33.Span),
                signedPreKey = new
                {
                    keyId = bundle.SignedPreKeyId,
                    publicKey = ToHex(bundle.SignedPreKey.Signal33.Span),
                    signature = ToHex(bundle.SignedPreKeySignature),
                },
                preKey = bundle.PreKey is null ? null : new { keyId = bundle.PreKeyId, publicKey = ToHex(bundle.PreKey.Signal33.Span) },
            },
        });

    public async Task<IReadOnlyList<EncryptedSignalMessage>> EncryptAsync(SignalAddress address, IEnumerable<byte[]> plaintexts)
    {
        var reply = await CommandAsync(new { cmd = "encrypt", address = address.ToString(), plaintexts = plaintexts.Select(ToHex).ToArray() });
        return reply["messages"]!.AsArray()
            .Select(m => new EncryptedSignalMessage((SignalMessageType)m!["type"]!.GetValue<int>(), Hex(m["body"])))
            .ToList();
    }

    /// <summary>Decrypts in the given order; each entry is the plaintext or libsignal-node's error text.</summary>
    public async Task<IReadOnlyList<(byte[]? Plaintext, string? Error)>> DecryptAsync(SignalAddress address, IEnumerable<EncryptedSignalMessage> messages)
    {
        var reply = await CommandAsync(new
        {
            cmd = "decrypt",
            address = address.ToString(),
            messages = messages.Select(m => new { type = (int)m.Type, body = ToHex(m.Serialized) }).ToArray(),
        });
        return reply["results"]!.AsArray()
            .Select(r => r!["plaintext"] is { } p ? (Hex(p), (string?)null) : ((byte[]?)null, r["error"]!.GetValue<string>()))
            .ToList();
    }

    public async Task<int> CountPreKeysAsync() => (await CommandAsync(new { cmd = "preKeyCount" }))["count"]!.GetValue<int>();

    public ValueTask DisposeAsync() => _node.DisposeAsync();

    private Task<JsonObject> CommandAsync(object command) =>
        _node.RequestAsync(JsonSerializer.SerializeToNode(command)!.AsObject(), ReplyTimeout, TestContext.Current.CancellationToken);

    private static byte[] Hex(JsonNode? node) => Convert.FromHexString(node!.GetValue<string>());

    private static string ToHex(byte[] bytes) => Convert.ToHexStringLower(bytes);

    private static string ToHex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);
}
