using System.Text;
using CodeChat.Testing;
using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Signal;
using CodeChat.WhatsApp.Signal.Groups;

namespace CodeChat.WhatsApp.Tests.Signal;

/// <summary>
/// Cross-implementation tests: our sender keys against Baileys 7.0.0-rc14's own sender-key classes
/// (tests/interop/node_modules/baileys/lib/Signal/Group/*, driven by tests/interop/senderkey-peer.mjs).
/// Both directions, in and out of order, and rotation after a member is removed.
/// </summary>
public class BaileysSenderKeyInteropTests
{
    private static readonly Jid Group = Jid.Parse("120363000000000002@g.us");
    private static readonly SenderKeyName Ours = new(Group, new SignalAddress("111111111111111_1", 0));
    private static readonly SenderKeyName Baileys = new(Group, new SignalAddress("222222222222222_1", 3));

    private readonly InMemorySenderKeyStore _store = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static byte[] Padded(string text) => MessagePadding.Pad(Encoding.UTF8.GetBytes(text));

    [Fact]
    public async Task Baileys_distribution_message_and_group_messages_decrypt_here_in_and_out_of_order()
    {
        await using var baileys = await BaileysSenderKeyPeer.StartAsync(Ct);
        var skdm = await baileys.CreateAsync(Baileys, Ct);
        await new GroupSessionBuilder(_store).ProcessAsync(Baileys, SenderKeyDistributionMessage.Parse(skdm), Ct);

        var plaintexts = Enumerable.Range(0, 8).Select(i => Padded($"from baileys {i}")).ToList();
        var messages = new List<byte[]>();
        foreach (var plaintext in plaintexts)
        {
            messages.Add(await baileys.EncryptAsync(Baileys, plaintext, Ct));
        }

        var cipher = new GroupCipher(_store);
        // In order for the first three, then the rest shuffled.
        foreach (var i in new[] { 0, 1, 2, 7, 4, 3, 6, 5 })
        {
            Assert.Equal(plaintexts[i], await cipher.DecryptAsync(Baileys, messages[i], Ct));
        }
        await Assert.ThrowsAsync<DuplicateSignalMessageException>(() => cipher.DecryptAsync(Baileys, messages[4], Ct).AsTask());
    }

    [Fact]
    public async Task Our_distribution_message_and_group_messages_decrypt_at_baileys_in_and_out_of_order()
    {
        await using var baileys = await BaileysSenderKeyPeer.StartAsync(Ct, keepBuffers: true);
        var skdm = await new GroupSessionBuilder(_store).CreateAsync(Ours, Ct);
        await baileys.ProcessAsync(Ours, skdm.Serialized, Ct);
        var (plaintexts, messages) = await EncryptOursAsync(8);

        foreach (var i in new[] { 0, 1, 5, 2, 7, 3, 4, 6 })
        {
            Assert.Equal(plaintexts[i], await baileys.DecryptAsync(Ours, messages[i], Ct));
        }
    }

    [Fact]
    public async Task Unmodified_baileys_storage_reads_our_messages_in_order_and_ahead_but_loses_late_ones()
    {
        // Baileys 7.0.0-rc14 stores sender keys with plain JSON.stringify, which turns the seeds of
        // kept skipped keys into {type,data} objects: any late group message then fails inside
        // Baileys, whoever sent it. Jumping ahead works. If this starts failing, Baileys fixed it.
        await using var baileys = await BaileysSenderKeyPeer.StartAsync(Ct);
        var skdm = await new GroupSessionBuilder(_store).CreateAsync(Ours, Ct);
        await baileys.ProcessAsync(Ours, skdm.Serialized, Ct);
        var (plaintexts, messages) = await EncryptOursAsync(6);

        foreach (var i in new[] { 0, 1, 3, 5 })
        {
            Assert.Equal(plaintexts[i], await baileys.DecryptAsync(Ours, messages[i], Ct));
        }
        var late = await Assert.ThrowsAsync<NodeLinePeerException>(() => baileys.DecryptAsync(Ours, messages[2], Ct));
        Assert.Contains("Expected Buffer", late.Error, StringComparison.Ordinal);
    }

    private async Task<(List<byte[]> Plaintexts, List<byte[]> Messages)> EncryptOursAsync(int count)
    {
        var cipher = new GroupCipher(_store);
        var plaintexts = Enumerable.Range(0, count).Select(i => Padded($"from us {i}")).ToList();
        var messages = new List<byte[]>();
        foreach (var plaintext in plaintexts)
        {
            messages.Add(await cipher.EncryptAsync(Ours, plaintext, Ct));
        }
        return (plaintexts, messages);
    }

    [Fact]
    public async Task A_member_joining_later_decrypts_from_the_iteration_of_the_distribution_message_it_got()
    {
        await using var baileys = await BaileysSenderKeyPeer.StartAsync(Ct);
        var builder = new GroupSessionBuilder(_store);
        var cipher = new GroupCipher(_store);
        await builder.CreateAsync(Ours, Ct);
        var early = await cipher.EncryptAsync(Ours, Padded("before you joined"), Ct);

        var skdm = await builder.CreateAsync(Ours, Ct);
        Assert.Equal(1u, skdm.Iteration);
        await baileys.ProcessAsync(Ours, skdm.Serialized, Ct);
        var late = Padded("after you joined");

        Assert.Equal(late, await baileys.DecryptAsync(Ours, await cipher.EncryptAsync(Ours, late, Ct), Ct));
        await Assert.ThrowsAsync<NodeLinePeerException>(() => baileys.DecryptAsync(Ours, early, Ct));
    }

    [Fact]
    public async Task After_rotation_a_removed_baileys_member_cannot_decrypt_and_a_remaining_one_can()
    {
        await using var remaining = await BaileysSenderKeyPeer.StartAsync(Ct);
        await using var removed = await BaileysSenderKeyPeer.StartAsync(Ct);
        var builder = new GroupSessionBuilder(_store);
        var cipher = new GroupCipher(_store);
        var oldSkdm = await builder.CreateAsync(Ours, Ct);
        await remaining.ProcessAsync(Ours, oldSkdm.Serialized, Ct);
        await removed.ProcessAsync(Ours, oldSkdm.Serialized, Ct);
        var before = Padded("everyone");
        var beforeMessage = await cipher.EncryptAsync(Ours, before, Ct);
        Assert.Equal(before, await remaining.DecryptAsync(Ours, beforeMessage, Ct));
        Assert.Equal(before, await removed.DecryptAsync(Ours, beforeMessage, Ct));

        // The member is removed: rotate, and distribute the new key to the remaining member only.
        await builder.RotateAsync(Ours, Ct);
        var newSkdm = await builder.CreateAsync(Ours, Ct);
        Assert.NotEqual(oldSkdm.KeyId, newSkdm.KeyId);
        await remaining.ProcessAsync(Ours, newSkdm.Serialized, Ct);
        var after = Padded("members only");
        var afterMessage = await cipher.EncryptAsync(Ours, after, Ct);

        Assert.Equal(after, await remaining.DecryptAsync(Ours, afterMessage, Ct));
        var refused = await Assert.ThrowsAsync<NodeLinePeerException>(() => removed.DecryptAsync(Ours, afterMessage, Ct));
        Assert.Contains("No session found", refused.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task When_baileys_starts_a_new_sender_key_we_need_its_new_distribution_message_and_still_read_the_old_key()
    {
        // Baileys drops its record (as its sender-key reset does) and creates a fresh key; until its
        // new SKDM arrives we cannot read it (retry receipt), and our kept old state still reads
        // messages sent under the old key.
        await using var baileys = await BaileysSenderKeyPeer.StartAsync(Ct);
        var builder = new GroupSessionBuilder(_store);
        var cipher = new GroupCipher(_store);
        await builder.ProcessAsync(Baileys, SenderKeyDistributionMessage.Parse(await baileys.CreateAsync(Baileys, Ct)), Ct);
        var oldPlaintext = Padded("old key");
        var oldMessage = await baileys.EncryptAsync(Baileys, oldPlaintext, Ct);

        await baileys.ForgetAsync(Baileys, Ct);
        var newSkdm = SenderKeyDistributionMessage.Parse(await baileys.CreateAsync(Baileys, Ct));
        var newPlaintext = Padded("new key");
        var newMessage = await baileys.EncryptAsync(Baileys, newPlaintext, Ct);
        await Assert.ThrowsAsync<NoSenderKeyException>(() => cipher.DecryptAsync(Baileys, newMessage, Ct).AsTask());
        await builder.ProcessAsync(Baileys, newSkdm, Ct);

        Assert.Equal(newPlaintext, await cipher.DecryptAsync(Baileys, newMessage, Ct));
        Assert.Equal(oldPlaintext, await cipher.DecryptAsync(Baileys, oldMessage, Ct));
    }
}
