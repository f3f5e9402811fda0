using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Signal;
using CodeChat.WhatsApp.Signal.Groups;

namespace CodeChat.Bench.SignalRatio;

/// <summary>
/// Sender keys: our sender encrypts a group message, a member decrypts it. Both sides keep their
/// records in <see cref="InMemorySenderKeyStore"/>, which (de)serializes on every load and store,
/// as the PostgreSQL store does and as Baileys' signalStorage does with its JSON.
/// </summary>
internal sealed class GroupRoundTrip : ISignalRoundTrip
{
    private static readonly SenderKeyName Name = new(Jid.Parse("120363000000000000@g.us"), new SignalAddress("111111111111111_1", 0));

    private readonly GroupCipher _sender;
    private readonly GroupCipher _member;

    private GroupRoundTrip(GroupCipher sender, GroupCipher member)
    {
        _sender = sender;
        _member = member;
    }

    public string Mode => "group";

    public static async Task<GroupRoundTrip> CreateAsync(CancellationToken cancellationToken)
    {
        var senderStore = new InMemorySenderKeyStore();
        var memberStore = new InMemorySenderKeyStore();
        var skdm = await new GroupSessionBuilder(senderStore).CreateAsync(Name, cancellationToken);
        await new GroupSessionBuilder(memberStore).ProcessAsync(Name, SenderKeyDistributionMessage.Parse(skdm.Serialized.Span), cancellationToken);
        return new GroupRoundTrip(new GroupCipher(senderStore), new GroupCipher(memberStore));
    }

    public async ValueTask<byte[]> RoundTripAsync(byte[] plaintext, CancellationToken cancellationToken)
    {
        var ciphertext = await _sender.EncryptAsync(Name, plaintext, cancellationToken);
        return await _member.DecryptAsync(Name, ciphertext, cancellationToken);
    }
}
