using CodeChat.WhatsApp.Crypto;
using CodeChat.WhatsApp.Proto;
using CodeChat.WhatsApp.ServerSide;
using CodeChat.WhatsApp.Socket;
using static CodeChat.WhatsApp.Tests.Crypto.KnownAnswers;

namespace CodeChat.WhatsApp.Tests.Socket;

/// <summary>
/// Byte-exact replay of the derived handshake transcript, vectors.json noise.* (whatsapp-protocol.md §12.2),
/// with the fixed keys key.client-ephemeral, key.noise-static, key.server-ephemeral, key.server-static and
/// the synthetic chain signed by key.test-root.
/// </summary>
public class NoiseHandshakeTranscriptTests
{
    private static Curve25519KeyPair Key(string label) => Curve25519KeyPair.FromPrivateKey(Hex($"key.{label}.priv"));

    private static CertificateChainVerifier TestRootVerifier(DateTimeOffset? now = null) => new(
        Curve25519PublicKey.FromBytes(Hex("key.test-root.pub")),
        timeProvider: new FixedTimeProvider(now ?? DateTimeOffset.FromUnixTimeSeconds(1_800_000_000)));

    [Fact]
    public void Client_and_server_reproduce_the_transcript()
    {
        using var client = new NoiseClientHandshake(Key("noise-static"), TestRootVerifier(), Key("client-ephemeral"));
        using var server = new NoiseServerHandshake(Key("server-static"), Hex("noise.cert.certchain"), Key("server-ephemeral"));

        var clientHello = client.CreateClientHello();
        Assert.Equal(Hex("noise.client_hello_proto"), clientHello);
        Assert.Equal(Hex("noise.h2_after_client_eph"), client.State.Hash.ToArray());

        server.ProcessClientHello(clientHello);
        var serverHello = server.CreateServerHello();
        Assert.Equal(Hex("noise.server_hello_proto"), serverHello);

        var hello = client.ProcessServerHello(serverHello);
        Assert.Equal(Hex("key.server-static.pub"), hello.ServerStaticKey.Raw32.ToArray());
        Assert.Equal(1u, hello.CertificateChain.IntermediateSerial);
        Assert.Equal(2u, hello.CertificateChain.LeafSerial);
        Assert.Equal(Hex("noise.h_after_cert_dec"), client.State.Hash.ToArray());
        Assert.Equal(Hex("noise.ck_after_es"), client.State.ChainingKey.ToArray());
        Assert.Equal(Hex("noise.k_after_es"), client.State.CipherKey.ToArray());
        Assert.Equal(Hex("noise.h_after_cert_dec"), server.State.Hash.ToArray());

        var clientFinish = client.CreateClientFinish(Hex("payload.login_proto"));
        Assert.Equal(Hex("noise.client_finish_proto"), clientFinish);
        Assert.Equal(Hex("noise.ck_after_se"), client.State.ChainingKey.ToArray());
        Assert.Equal(Hex("noise.k_after_se"), client.State.CipherKey.ToArray());
        Assert.Equal(Hex("noise.client_finish_ws_message"), FrameCodec.EncodeFrame(clientFinish));

        var finish = server.ProcessClientFinish(clientFinish);
        Assert.Equal(Hex("key.noise-static.pub"), finish.ClientStaticKey.Raw32.ToArray());
        Assert.Equal(Hex("payload.login_proto"), finish.ClientPayload);

        var clientKeys = client.Finish();
        var serverKeys = server.Finish();
        Assert.Equal(Hex("noise.transport_client_write_key"), clientKeys.InitiatorToResponder);
        Assert.Equal(Hex("noise.transport_client_read_key"), clientKeys.ResponderToInitiator);
        Assert.Equal(clientKeys.InitiatorToResponder, serverKeys.InitiatorToResponder);
        Assert.Equal(clientKeys.ResponderToInitiator, serverKeys.ResponderToInitiator);
    }

    [Fact]
    public void Intermediate_states_after_server_ephemeral_and_static()
    {
        // vectors.json noise.h3_after_server_eph, noise.ck_after_ee / k_after_ee, noise.h_after_static_dec (§12.2),
        // checked on the responder, which goes through the same states while building ServerHello.
        using var server = new NoiseServerHandshake(Key("server-static"), Hex("noise.cert.certchain"), Key("server-ephemeral"));
        server.ProcessClientHello(Hex("noise.client_hello_proto"));
        var state = server.State;
        state.MixHash(Hex("key.server-ephemeral.pub"));
        Assert.Equal(Hex("noise.h3_after_server_eph"), state.Hash.ToArray());
        state.MixKey(Key("server-ephemeral").Agree(Curve25519PublicKey.FromBytes(Hex("key.client-ephemeral.pub"))));
        Assert.Equal(Hex("noise.ck_after_ee"), state.ChainingKey.ToArray());
        Assert.Equal(Hex("noise.k_after_ee"), state.CipherKey.ToArray());
        var serverHello = HandshakeMessage.Parser.ParseFrom(Hex("noise.server_hello_proto")).ServerHello;
        Assert.Equal(serverHello.Static.ToByteArray(), state.EncryptAndHash(Hex("key.server-static.pub")));
        Assert.Equal(Hex("noise.h_after_static_dec"), state.Hash.ToArray());
    }

    [Fact]
    public void Chain_builder_reproduces_the_synthetic_chain()
    {
        // vectors.json noise.cert.certchain (§12.2): serials 1/2, issuer 0/1, notBefore 1700000000, notAfter 1900000000.
        var chain = CertificateChainBuilder.Build(
            Key("test-root"),
            Key("test-intermediate"),
            Curve25519PublicKey.FromBytes(Hex("key.server-static.pub")),
            DateTimeOffset.FromUnixTimeSeconds(1_700_000_000),
            DateTimeOffset.FromUnixTimeSeconds(1_900_000_000),
            deterministicSignatures: true);
        Assert.Equal(Hex("noise.cert.certchain"), chain);
    }

    [Fact]
    public void Randomly_signed_built_chain_verifies()
    {
        var root = Curve25519KeyPair.Generate();
        var serverStatic = Curve25519KeyPair.Generate();
        var now = DateTimeOffset.UtcNow;
        var chain = CertificateChainBuilder.Build(root, Curve25519KeyPair.Generate(), serverStatic.PublicKey, now.AddDays(-1), now.AddDays(1));
        var verified = new CertificateChainVerifier(root.PublicKey).Verify(chain, serverStatic.PublicKey.Raw32.Span);
        Assert.Equal(2u, verified.LeafSerial);
    }

    [Fact]
    public void Verifier_rejects_a_chain_from_another_root()
    {
        // The same synthetic chain must fail against WhatsApp's production root.
        var exception = Assert.Throws<ServerCertificateException>(() =>
            new CertificateChainVerifier().Verify(Hex("noise.cert.certchain"), Hex("key.server-static.pub")));
        Assert.Contains("trusted root", exception.Message);
    }

    [Fact]
    public void Verifier_rejects_a_leaf_for_another_server_key()
    {
        Assert.Throws<ServerCertificateException>(() => TestRootVerifier().Verify(Hex("noise.cert.certchain"), Hex("key.noise-static.pub")));
    }

    [Theory]
    [InlineData(1_600_000_000)]
    [InlineData(2_000_000_000)]
    public void Verifier_rejects_outside_the_validity_window(long unixSeconds)
    {
        var verifier = TestRootVerifier(DateTimeOffset.FromUnixTimeSeconds(unixSeconds));
        Assert.Throws<ServerCertificateException>(() => verifier.Verify(Hex("noise.cert.certchain"), Hex("key.server-static.pub")));
    }

    [Fact]
    public void A_remembered_chain_is_still_checked_for_the_server_key_and_the_validity_window()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));
        var verifier = new CertificateChainVerifier(Curve25519PublicKey.FromBytes(Hex("key.test-root.pub")), timeProvider: time);
        var chain = Hex("noise.cert.certchain");

        Assert.Equal(2u, verifier.Verify(chain, Hex("key.server-static.pub")).LeafSerial);
        Assert.Equal(2u, verifier.Verify(chain, Hex("key.server-static.pub")).LeafSerial);
        Assert.Throws<ServerCertificateException>(() => verifier.Verify(chain, Hex("key.noise-static.pub")));
        time.SetUtcNow(DateTimeOffset.FromUnixTimeSeconds(2_000_000_000));
        Assert.Throws<ServerCertificateException>(() => verifier.Verify(chain, Hex("key.server-static.pub")));
    }

    [Fact]
    public void A_chain_that_differs_from_the_remembered_one_by_a_bit_is_verified_again()
    {
        var verifier = TestRootVerifier();
        var good = Hex("noise.cert.certchain");
        verifier.Verify(good, Hex("key.server-static.pub"));

        var tampered = CertChain.Parser.ParseFrom(good);
        var signature = tampered.Leaf.Signature.ToByteArray();
        signature[0] ^= 1;
        tampered.Leaf.Signature = Google.Protobuf.ByteString.CopyFrom(signature);
        var exception = Assert.Throws<ServerCertificateException>(() =>
            verifier.Verify(Google.Protobuf.MessageExtensions.ToByteArray(tampered), Hex("key.server-static.pub")));
        Assert.Contains("not signed by the intermediate", exception.Message);
        Assert.Equal(2u, verifier.Verify(good, Hex("key.server-static.pub")).LeafSerial);
    }

    [Fact]
    public void Verifier_rejects_wrong_issuer_serials_and_a_missing_certificate()
    {
        var root = Curve25519KeyPair.Generate();
        var serverStatic = Curve25519KeyPair.Generate();
        var now = DateTimeOffset.UtcNow;
        var verifier = new CertificateChainVerifier(root.PublicKey);
        var wrongRootSerial = CertificateChainBuilder.Build(root, Curve25519KeyPair.Generate(), serverStatic.PublicKey, now.AddDays(-1), now.AddDays(1), rootSerial: 7);
        Assert.Throws<ServerCertificateException>(() => verifier.Verify(wrongRootSerial, serverStatic.PublicKey.Raw32.Span));

        var chain = CertChain.Parser.ParseFrom(CertificateChainBuilder.Build(root, Curve25519KeyPair.Generate(), serverStatic.PublicKey, now.AddDays(-1), now.AddDays(1)));
        chain.Leaf = null;
        Assert.Throws<ServerCertificateException>(() => verifier.Verify(Google.Protobuf.MessageExtensions.ToByteArray(chain), serverStatic.PublicKey.Raw32.Span));
        Assert.Throws<ServerCertificateException>(() => verifier.Verify([0xFF, 0xFF], serverStatic.PublicKey.Raw32.Span));
    }

    [Fact]
    public void Client_rejects_a_server_hello_whose_chain_another_root_signed()
    {
        using var client = new NoiseClientHandshake(Key("noise-static"), new CertificateChainVerifier(), Key("client-ephemeral"));
        client.CreateClientHello();
        Assert.Throws<ServerCertificateException>(() => client.ProcessServerHello(Hex("noise.server_hello_proto")));
    }

    [Fact]
    public void Client_rejects_a_tampered_server_hello()
    {
        using var client = new NoiseClientHandshake(Key("noise-static"), TestRootVerifier(), Key("client-ephemeral"));
        client.CreateClientHello();
        var serverHello = Hex("noise.server_hello_proto");
        serverHello[^1] ^= 0x01;
        Assert.Throws<NoiseHandshakeException>(() => client.ProcessServerHello(serverHello));
    }

    [Fact]
    public void Steps_out_of_order_are_refused()
    {
        using var client = new NoiseClientHandshake(Key("noise-static"), TestRootVerifier());
        Assert.Throws<InvalidOperationException>(() => client.CreateClientFinish([]));
    }
}
