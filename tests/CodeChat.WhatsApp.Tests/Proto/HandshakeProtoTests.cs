using CodeChat.WhatsApp.Proto;
using Google.Protobuf;

namespace CodeChat.WhatsApp.Tests.Proto;

/// <summary>
/// Noise handshake protobufs (WAWebProtobufsWa6.HandshakeMessage, WACert.CertChain).
/// Vectors: whatsapp-protocol.md §12.2 (derived transcript) and §12.9.
/// </summary>
public class HandshakeProtoTests
{
    [Fact]
    public void ClientHello_with_ephemeral_matches_transcript_bytes()
    {
        // vectors.json key noise.client_hello_proto, ephemeral = key.client-ephemeral.pub (§12.2)
        var hello = new HandshakeMessage
        {
            ClientHello = new HandshakeMessage.Types.ClientHello
            {
                Ephemeral = ByteString.CopyFrom(ProtoVectors.Hex("key.client-ephemeral.pub")),
            },
        };

        Assert.Equal(ProtoVectors.Hex("noise.client_hello_proto"), hello.ToByteArray());
    }

    [Fact]
    public void ClientHello_with_zero_ephemeral_matches_section_12_9()
    {
        // whatsapp-protocol.md §12.9: HandshakeMessage{clientHello{ephemeral=32×00}} = 12220a20 + 32×00
        var hello = new HandshakeMessage
        {
            ClientHello = new HandshakeMessage.Types.ClientHello { Ephemeral = ByteString.CopyFrom(new byte[32]) },
        };

        var expected = Convert.FromHexString("12220a20").Concat(new byte[32]).ToArray();
        Assert.Equal(expected, hello.ToByteArray());
    }

    [Fact]
    public void ServerHello_parses_ephemeral_and_encrypted_static_and_round_trips()
    {
        // vectors.json key noise.server_hello_proto; ephemeral = key.server-ephemeral.pub (§12.2)
        var bytes = ProtoVectors.Hex("noise.server_hello_proto");

        var message = HandshakeMessage.Parser.ParseFrom(bytes);

        Assert.NotNull(message.ServerHello);
        Assert.Equal(ProtoVectors.Hex("key.server-ephemeral.pub"), message.ServerHello.Ephemeral.ToByteArray());
        Assert.Equal(32 + 16, message.ServerHello.Static.Length); // AES-GCM(32-byte key) + tag
        Assert.True(message.ServerHello.HasPayload);
        Assert.Equal(bytes, message.ToByteArray());
    }

    [Fact]
    public void ClientFinish_from_ciphertexts_matches_transcript_bytes()
    {
        // vectors.json keys noise.client_static_ct, noise.client_payload_ct -> noise.client_finish_proto (§12.2)
        var finish = new HandshakeMessage
        {
            ClientFinish = new HandshakeMessage.Types.ClientFinish
            {
                Static = ByteString.CopyFrom(ProtoVectors.Hex("noise.client_static_ct")),
                Payload = ByteString.CopyFrom(ProtoVectors.Hex("noise.client_payload_ct")),
            },
        };

        Assert.Equal(ProtoVectors.Hex("noise.client_finish_proto"), finish.ToByteArray());
    }

    [Fact]
    public void CertChain_built_from_parts_matches_synthetic_chain()
    {
        // vectors.json keys noise.cert.* (§12.2 synthetic chain signed by test-root)
        var chain = new CertChain
        {
            Leaf = new CertChain.Types.NoiseCertificate
            {
                Details = ByteString.CopyFrom(ProtoVectors.Hex("noise.cert.leaf_details")),
                Signature = ByteString.CopyFrom(ProtoVectors.Hex("noise.cert.leaf_sig")),
            },
            Intermediate = new CertChain.Types.NoiseCertificate
            {
                Details = ByteString.CopyFrom(ProtoVectors.Hex("noise.cert.intermediate_details")),
                Signature = ByteString.CopyFrom(ProtoVectors.Hex("noise.cert.intermediate_sig")),
            },
        };

        Assert.Equal(ProtoVectors.Hex("noise.cert.certchain"), chain.ToByteArray());
    }

    [Fact]
    public void CertChain_details_decode_to_the_documented_fields()
    {
        // §12.2: intermediate {serial=1, issuerSerial=0, key=test-intermediate.pub, notBefore=1700000000, notAfter=1900000000}
        //        leaf         {serial=2, issuerSerial=1, key=server-static.pub, same window}
        var chain = CertChain.Parser.ParseFrom(ProtoVectors.Hex("noise.cert.certchain"));
        var intermediate = CertChain.Types.NoiseCertificate.Types.Details.Parser.ParseFrom(chain.Intermediate.Details);
        var leaf = CertChain.Types.NoiseCertificate.Types.Details.Parser.ParseFrom(chain.Leaf.Details);

        Assert.Equal(1u, intermediate.Serial);
        Assert.True(intermediate.HasIssuerSerial);
        Assert.Equal(0u, intermediate.IssuerSerial);
        Assert.Equal(ProtoVectors.Hex("key.test-intermediate.pub"), intermediate.Key.ToByteArray());
        Assert.Equal(1700000000ul, intermediate.NotBefore);
        Assert.Equal(1900000000ul, intermediate.NotAfter);

        Assert.Equal(2u, leaf.Serial);
        Assert.Equal(1u, leaf.IssuerSerial);
        Assert.Equal(ProtoVectors.Hex("key.server-static.pub"), leaf.Key.ToByteArray());

        // Signatures are over the exact details bytes, so re-encoding must be lossless.
        Assert.Equal(ProtoVectors.Hex("noise.cert.intermediate_details"), intermediate.ToByteArray());
        Assert.Equal(ProtoVectors.Hex("noise.cert.leaf_details"), leaf.ToByteArray());
    }
}
