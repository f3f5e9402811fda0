using CodeChat.WhatsApp.Socket;
using static CodeChat.WhatsApp.Tests.Crypto.KnownAnswers;

namespace CodeChat.WhatsApp.Tests.Socket;

public class NoiseSymmetricStateTests
{
    [Fact]
    public void Initial_hash_and_prologue()
    {
        // vectors.json noise.h0 (protocol name used raw, pitfall P12), noise.h1_after_prologue,
        // noise.h2_after_client_eph (§12.2).
        Assert.Equal(Hex("noise.h0"), NoiseConstants.ProtocolName.ToArray());
        using var state = new NoiseSymmetricState(NoiseConstants.ConnectionHeader);
        Assert.Equal(Hex("noise.h1_after_prologue"), state.Hash.ToArray());
        Assert.Equal(Hex("noise.h0"), state.ChainingKey.ToArray());
        state.MixHash(Hex("key.client-ephemeral.pub"));
        Assert.Equal(Hex("noise.h2_after_client_eph"), state.Hash.ToArray());
    }
}
