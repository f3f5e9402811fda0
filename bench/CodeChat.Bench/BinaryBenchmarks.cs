using BenchmarkDotNet.Attributes;
using CodeChat.WhatsApp.Binary;

namespace CodeChat.Bench;

/// <summary>
/// Encode/decode cost of the two node shapes that dominate traffic: an outgoing 1:1 <c>&lt;message&gt;</c>
/// with an <c>&lt;enc&gt;</c> payload (shape of vectors.json binary.message_participants_enc) and a usync
/// device query IQ (binary.usync_devices_v3).
/// </summary>
[MemoryDiagnoser]
public class BinaryBenchmarks
{
    private Node _message = null!;
    private Node _usync = null!;
    private byte[] _messageFrame = [];
    private byte[] _usyncFrame = [];

    [GlobalSetup]
    public void Setup()
    {
        var ciphertext = new byte[160];
        new Random(7).NextBytes(ciphertext);
        _message = new Node("message",
            [new("id", "3EB0A1B2C3D4E5F60718"), new("to", Jid.Parse("15551234567@s.whatsapp.net")), new("type", "text")],
            new Node[]
            {
                new("participants", default, new Node[]
                {
                    new("to", [new("jid", Jid.Parse("15551234567:2@s.whatsapp.net"))],
                        new Node("enc", [new("v", "2"), new("type", "msg")], ciphertext)),
                    new("to", [new("jid", Jid.Parse("123456789012345:7@lid"))],
                        new Node("enc", [new("v", "2"), new("type", "pkmsg")], ciphertext)),
                }),
            });

        _usync = new Node("iq",
            [new("to", Jid.ServerJid), new("type", "get"), new("xmlns", "usync"), new("id", "46858.8451-10")],
            new Node("usync",
                [new("sid", "46858.8451-9"), new("mode", "query"), new("last", "true"), new("index", "0"), new("context", "message")],
                new Node[]
                {
                    new("query", default, new Node("devices", [new("version", "2")])),
                    new("list", default, new Node[]
                    {
                        new("user", [new("jid", Jid.Parse("27665245067@s.whatsapp.net"))]),
                        new("user", [new("jid", Jid.Parse("27797798179@s.whatsapp.net"))]),
                    }),
                }));

        _messageFrame = WaBinaryEncoder.Encode(_message);
        _usyncFrame = WaBinaryEncoder.Encode(_usync);
    }

    [Benchmark]
    public byte[] EncodeMessage() => WaBinaryEncoder.Encode(_message);

    [Benchmark]
    public Node DecodeMessage() => WaBinaryDecoder.Decode(_messageFrame);

    [Benchmark]
    public byte[] EncodeUsyncIq() => WaBinaryEncoder.Encode(_usync);

    [Benchmark]
    public Node DecodeUsyncIq() => WaBinaryDecoder.Decode(_usyncFrame);
}
