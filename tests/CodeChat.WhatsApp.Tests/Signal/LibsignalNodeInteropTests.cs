using System.Text;
using CodeChat.WhatsApp.Signal;

namespace CodeChat.WhatsApp.Tests.Signal;

/// <summary>
/// Cross-implementation tests: our Signal core against libsignal-node 6.0.0, the unmodified library
/// Baileys 7 uses (tests/interop/node_modules/libsignal, driven by tests/interop/signal-peer.mjs).
/// Neither side shares code with the other, so agreement proves the wire format, X3DH, ratchet and
/// MAC are libsignal's.
/// </summary>
public sealed class LibsignalNodeInteropTests : IAsyncLifetime
{
    private static readonly SignalAddress NodeAddress = new("15557770000", 0);

    private LibsignalNodePeer _node = null!;
    private OurSignalDevice _us = null!;

    public async ValueTask InitializeAsync()
    {
        _node = await LibsignalNodePeer.StartAsync(TestContext.Current.CancellationToken);
        await _node.InstallAsync();
        _us = await OurSignalDevice.CreateAsync();
    }

    public async ValueTask DisposeAsync()
    {
        _us.Dispose();
        await _node.DisposeAsync();
    }

    [Fact]
    public async Task Libsignal_builds_from_our_bundle_and_we_decrypt_its_pkmsgs_in_any_order_then_msgs()
    {
        var ct = TestContext.Current.CancellationToken;
        await _node.ProcessBundleAsync(_us.Address, await _us.GetBundleAsync(preKeyId: 2));
        var first = await _node.EncryptAsync(_us.Address, Texts("hello from libsignal", 3));
        Assert.All(first, m => Assert.Equal(SignalMessageType.PreKey, m.Type));

        // The second pkmsg arrives first: it sets the session up; the others reuse it (same base key).
        foreach (var index in new[] { 1, 0, 2 })
        {
            var result = await _us.Sessions.DecryptAsync(NodeAddress, first[index].Type, first[index].Serialized, ct);
            Assert.Equal(Text("hello from libsignal", index), Encoding.UTF8.GetString(result.Plaintext));
            Assert.False(result.IdentityChanged);
        }
        Assert.Null(await _us.Store.GetPreKeyAsync(2, ct));
        Assert.NotNull(await _us.Store.GetPreKeyAsync(1, ct));

        var reply = await _us.Sessions.EncryptAsync(NodeAddress, Encoding.UTF8.GetBytes("hi libsignal"), ct);
        Assert.Equal(SignalMessageType.Whisper, reply.Type);
        var decrypted = await _node.DecryptAsync(_us.Address, [reply]);
        Assert.Equal("hi libsignal", Encoding.UTF8.GetString(decrypted[0].Plaintext ?? throw new InvalidOperationException(decrypted[0].Error)));

        var second = await _node.EncryptAsync(_us.Address, Texts("after reply", 2));
        Assert.All(second, m => Assert.Equal(SignalMessageType.Whisper, m.Type));
        foreach (var (message, index) in second.Select((m, i) => (m, i)))
        {
            var result = await _us.Sessions.DecryptAsync(NodeAddress, message.Type, message.Serialized, ct);
            Assert.Equal(Text("after reply", index), Encoding.UTF8.GetString(result.Plaintext));
        }
    }

    [Fact]
    public async Task We_build_from_the_libsignal_bundle_and_it_decrypts_our_pkmsgs_then_our_msgs()
    {
        var ct = TestContext.Current.CancellationToken;
        var bundle = await _node.GetBundleAsync();
        Assert.NotNull(bundle.PreKey);
        Assert.False(await _us.Sessions.ProcessBundleAsync(NodeAddress, bundle, ct));
        var preKeysBefore = await _node.CountPreKeysAsync();

        var ours = new List<EncryptedSignalMessage>();
        foreach (var text in Texts("from CodeChat", 3))
        {
            ours.Add(await _us.Sessions.EncryptAsync(NodeAddress, text, ct));
        }
        Assert.All(ours, m => Assert.Equal("pkmsg", m.EncType));
        var results = await _node.DecryptAsync(_us.Address, [ours[2], ours[0], ours[1]]);
        Assert.Equal([Text("from CodeChat", 2), Text("from CodeChat", 0), Text("from CodeChat", 1)], results.Select(Plain));
        Assert.Equal(preKeysBefore - 1, await _node.CountPreKeysAsync());

        var answer = await _node.EncryptAsync(_us.Address, Texts("answer", 1));
        Assert.Equal(SignalMessageType.Whisper, answer[0].Type);
        var answered = await _us.Sessions.DecryptAsync(NodeAddress, answer[0].Type, answer[0].Serialized, ct);
        Assert.Equal(Text("answer", 0), Encoding.UTF8.GetString(answered.Plaintext));

        var next = await _us.Sessions.EncryptAsync(NodeAddress, Encoding.UTF8.GetBytes("now a msg"), ct);
        Assert.Equal("msg", next.EncType);
        Assert.Equal("now a msg", Plain((await _node.DecryptAsync(_us.Address, [next]))[0]));
    }

    [Fact]
    public async Task Two_hundred_messages_each_way_delivered_in_shuffled_order()
    {
        var ct = TestContext.Current.CancellationToken;
        var random = new Random(20261203);
        await EstablishFromNodeBundleAsync(ct);

        // One long chain each way, delivered in a random order (all skipped keys are kept).
        await ExchangeShuffledAsync("bulk", 200, random, ct);
        // Then five ratchet turns of 40 each way, each batch shuffled.
        for (var round = 0; round < 5; round++)
        {
            await ExchangeShuffledAsync($"round {round}", 40, random, ct);
        }
    }

    [Fact]
    public async Task Skipped_keys_survive_a_ratchet_step_and_a_replayed_message_is_a_duplicate()
    {
        var ct = TestContext.Current.CancellationToken;
        await EstablishFromNodeBundleAsync(ct);

        var chainA = await _node.EncryptAsync(_us.Address, Texts("a", 3));
        Assert.Equal(Text("a", 0), await DecryptAtUsAsync(chainA[0], ct));
        var reply = await _us.Sessions.EncryptAsync(NodeAddress, Encoding.UTF8.GetBytes("reply"), ct);
        Assert.Equal("reply", Plain((await _node.DecryptAsync(_us.Address, [reply]))[0]));
        // libsignal-node stepped its ratchet: chain B starts, a1/a2 are still in flight.
        var chainB = await _node.EncryptAsync(_us.Address, Texts("b", 2));

        Assert.Equal(Text("b", 1), await DecryptAtUsAsync(chainB[1], ct));
        Assert.Equal(Text("a", 2), await DecryptAtUsAsync(chainA[2], ct));
        Assert.Equal(Text("b", 0), await DecryptAtUsAsync(chainB[0], ct));
        Assert.Equal(Text("a", 1), await DecryptAtUsAsync(chainA[1], ct));

        await Assert.ThrowsAsync<DuplicateSignalMessageException>(() =>
            _us.Sessions.DecryptAsync(NodeAddress, chainA[1].Type, chainA[1].Serialized, ct));
        await Assert.ThrowsAsync<DuplicateSignalMessageException>(() =>
            _us.Sessions.DecryptAsync(NodeAddress, chainB[1].Type, chainB[1].Serialized, ct));

        // The session still works both ways afterwards.
        var later = await _node.EncryptAsync(_us.Address, Texts("later", 1));
        Assert.Equal(Text("later", 0), await DecryptAtUsAsync(later[0], ct));
    }

    [Fact]
    public async Task A_reinstalled_peer_with_a_new_identity_is_accepted_and_reported()
    {
        var ct = TestContext.Current.CancellationToken;
        await EstablishFromNodeBundleAsync(ct);
        var oldIdentity = (await _node.GetBundleAsync()).IdentityKey;

        var newIdentity = await _node.InstallAsync();
        Assert.NotEqual(oldIdentity, newIdentity);
        await _node.ProcessBundleAsync(_us.Address, await _us.GetBundleAsync(preKeyId: 4));
        var fresh = await _node.EncryptAsync(_us.Address, Texts("reinstalled", 1));

        var result = await _us.Sessions.DecryptAsync(NodeAddress, fresh[0].Type, fresh[0].Serialized, ct);
        Assert.True(result.IdentityChanged);
        Assert.Equal(Text("reinstalled", 0), Encoding.UTF8.GetString(result.Plaintext));
        Assert.Equal(newIdentity.Raw32.ToArray(), await _us.Store.GetIdentityAsync(NodeAddress.ToJid(), ct));

        var reply = await _us.Sessions.EncryptAsync(NodeAddress, Encoding.UTF8.GetBytes("welcome back"), ct);
        Assert.Equal("msg", reply.EncType);
        Assert.Equal("welcome back", Plain((await _node.DecryptAsync(_us.Address, [reply]))[0]));

        // Had we fetched its new bundle ourselves, the change is reported there too.
        Assert.False(await _us.Sessions.ProcessBundleAsync(NodeAddress, await _node.GetBundleAsync(), ct));
    }

    [Fact]
    public async Task Sessions_from_bundles_without_a_one_time_prekey_work_both_ways()
    {
        // X3DH with three agreements only (whatsapp-protocol.md §6.3: the fourth needs a one-time prekey).
        var ct = TestContext.Current.CancellationToken;
        await _node.InstallAsync(preKeys: 0);
        var bundle = await _node.GetBundleAsync();
        Assert.Null(bundle.PreKey);
        await _us.Sessions.ProcessBundleAsync(NodeAddress, bundle, ct);
        var ours = await _us.Sessions.EncryptAsync(NodeAddress, Encoding.UTF8.GetBytes("no prekey here"), ct);
        Assert.Equal("no prekey here", Plain((await _node.DecryptAsync(_us.Address, [ours]))[0]));

        var otherNodeDevice = new SignalAddress("123456789012345_1", 2);
        await _node.ProcessBundleAsync(_us.Address, await _us.GetBundleAsync(preKeyId: null));
        var theirs = await _node.EncryptAsync(_us.Address, Texts("nor here", 1));
        var result = await _us.Sessions.DecryptAsync(otherNodeDevice, theirs[0].Type, theirs[0].Serialized, ct);
        Assert.Equal(Text("nor here", 0), Encoding.UTF8.GetString(result.Plaintext));
        Assert.NotNull(await _us.Store.GetPreKeyAsync(1, ct));
    }

    private async Task EstablishFromNodeBundleAsync(CancellationToken ct)
    {
        await _us.Sessions.ProcessBundleAsync(NodeAddress, await _node.GetBundleAsync(), ct);
        var hello = await _us.Sessions.EncryptAsync(NodeAddress, Encoding.UTF8.GetBytes("hello"), ct);
        Assert.Equal("hello", Plain((await _node.DecryptAsync(_us.Address, [hello]))[0]));
    }

    private async Task ExchangeShuffledAsync(string label, int count, Random random, CancellationToken ct)
    {
        var ours = new List<EncryptedSignalMessage>(count);
        foreach (var text in Texts($"{label} us", count))
        {
            ours.Add(await _us.Sessions.EncryptAsync(NodeAddress, text, ct));
        }
        var order = Enumerable.Range(0, count).OrderBy(_ => random.Next()).ToList();
        var atNode = await _node.DecryptAsync(_us.Address, order.Select(i => ours[i]));
        Assert.Equal(order.Select(i => Text($"{label} us", i)), atNode.Select(Plain));

        var theirs = await _node.EncryptAsync(_us.Address, Texts($"{label} node", count));
        foreach (var i in Enumerable.Range(0, count).OrderBy(_ => random.Next()))
        {
            Assert.Equal(Text($"{label} node", i), await DecryptAtUsAsync(theirs[i], ct));
        }
    }

    private async Task<string> DecryptAtUsAsync(EncryptedSignalMessage message, CancellationToken ct) =>
        Encoding.UTF8.GetString((await _us.Sessions.DecryptAsync(NodeAddress, message.Type, message.Serialized, ct)).Plaintext);

    private static string Plain((byte[]? Plaintext, string? Error) result) =>
        result.Plaintext is { } plaintext ? Encoding.UTF8.GetString(plaintext) : throw new InvalidOperationException($"libsignal-node could not decrypt: {result.Error}");

    private static string Text(string label, int index) => $"{label} #{index}";

    private static IEnumerable<byte[]> Texts(string label, int count) =>
        Enumerable.Range(0, count).Select(i => Encoding.UTF8.GetBytes(Text(label, i)));
}
