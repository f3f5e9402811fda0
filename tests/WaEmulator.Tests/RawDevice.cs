using CodeChat.WaEmulator.Model;
using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Crypto;
using CodeChat.WhatsApp.Proto;
using CodeChat.WhatsApp.Socket;
using Google.Protobuf;

namespace CodeChat.WaEmulator.Tests;

/// <summary>
/// A minimal strict companion written against our own library (not Baileys): it verifies what the
/// emulator's phone signs and lets tests misbehave on purpose (e.g. never acknowledge).
/// </summary>
internal sealed class RawDevice
{
    private readonly Curve25519KeyPair _noise = Curve25519KeyPair.Generate();
    private readonly Curve25519KeyPair _identity = Curve25519KeyPair.Generate();
    private readonly Curve25519KeyPair _signedPreKey = Curve25519KeyPair.Generate();
    private readonly byte[] _advSecret = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);

    public LinkedDevice? Device { get; private set; }

    /// <summary>QR pairing as whatsapp-protocol.md §4.2–4.3 describes the client side, with every check done.</summary>
    public async Task<LinkedDevice> PairAsync(WaEmulatorServer server, EmulatedAccount account, CancellationToken cancellationToken)
    {
        var registration = new ClientPayload
        {
            Passive = false,
            Pull = false,
            DevicePairingData = new ClientPayload.Types.DevicePairingRegistrationData
            {
                ERegid = ByteString.CopyFrom(0, 0, 0x12, 0x34),
                EKeytype = ByteString.CopyFrom(5),
                EIdent = ByteString.CopyFrom(_identity.PublicKey.Raw32.Span),
                ESkeyID = ByteString.CopyFrom(0, 0, 1),
                ESkeyVal = ByteString.CopyFrom(_signedPreKey.PublicKey.Raw32.Span),
                ESkeySig = ByteString.CopyFrom(_identity.Sign(_signedPreKey.PublicKey.Signal33.Span)),
            },
        };
        var socket = await ConnectAsync(server, registration, cancellationToken);
        try
        {
            return await PairOverAsync(socket, server, account, cancellationToken);
        }
        finally
        {
            await socket.DisposeAsync();
        }
    }

    private async Task<LinkedDevice> PairOverAsync(NoiseSocket socket, WaEmulatorServer server, EmulatedAccount account, CancellationToken cancellationToken)
    {

        var pairDevice = await ReadAsync(socket, cancellationToken);
        await SendAsync(socket, Result(pairDevice), cancellationToken);
        var reference = System.Text.Encoding.UTF8.GetString(pairDevice.GetRequiredChild("pair-device").GetRequiredChild("ref").Bytes!.Value.Span);
        var qr = $"https://wa.me/settings/linked_devices#{reference},{B64(_noise.PublicKey.Raw32)},{B64(_identity.PublicKey.Raw32)},{B64(_advSecret)},1";
        var scan = server.Emulator.ScanQrAsync(qr, account, cancellationToken);

        var pairSuccess = await ReadAsync(socket, cancellationToken);
        var success = pairSuccess.GetRequiredChild("pair-success");
        var container = ADVSignedDeviceIdentityHMAC.Parser.ParseFrom(success.GetRequiredChild("device-identity").Bytes!.Value.Span);
        Assert.Equal(MessageAuthentication.HmacSha256(_advSecret, container.Details.Span), container.HMAC.ToByteArray());
        var signed = ADVSignedDeviceIdentity.Parser.ParseFrom(container.Details);
        byte[] accountMessage = [6, 0, .. signed.Details.Span, .. _identity.PublicKey.Raw32.Span];
        Assert.True(XEdDsa.Verify(signed.AccountSignatureKey.Span, accountMessage, signed.AccountSignature.Span), "account signature");
        var details = ADVDeviceIdentity.Parser.ParseFrom(signed.Details);

        signed.DeviceSignature = ByteString.CopyFrom(_identity.Sign([6, 1, .. signed.Details.Span, .. _identity.PublicKey.Raw32.Span, .. signed.AccountSignatureKey.Span]));
        signed.AccountSignatureKey = ByteString.Empty;
        await SendAsync(
            socket,
            new Node("iq", NodeAttributes.Create([new("to", "s.whatsapp.net"), new("type", "result"), new("id", pairSuccess.GetRequiredAttribute("id"))]),
                new Node("pair-device-sign", default,
                    new Node("device-identity", NodeAttributes.Create([new("key-index", details.KeyIndex.ToString(System.Globalization.CultureInfo.InvariantCulture))]), signed.ToByteArray()))),
            cancellationToken);

        Device = await scan;
        var restart = await ReadAsync(socket, cancellationToken);
        Assert.Equal("stream:error", restart.Tag);
        Assert.Equal("515", restart.GetAttribute("code"));
        Assert.Equal(success.GetRequiredChild("device").GetRequiredAttribute("jid"), Device.PnJid);
        return Device;
    }

    /// <summary>Logs in; returns the socket after <c>success</c> (the caller reads what follows).</summary>
    public async Task<NoiseSocket> LoginAsync(WaEmulatorServer server, CancellationToken cancellationToken)
    {
        var device = Device ?? throw new InvalidOperationException("pair first");
        var payload = new ClientPayload { Username = ulong.Parse(device.Account.Phone, System.Globalization.CultureInfo.InvariantCulture), Device = (uint)device.DeviceId, Passive = true, Pull = true };
        var socket = await ConnectAsync(server, payload, cancellationToken);
        var success = await ReadAsync(socket, cancellationToken);
        Assert.Equal("success", success.Tag);
        Assert.Equal(device.LidJid, success.GetAttribute("lid"));
        return socket;
    }

    public static async Task<Node> ReadAsync(NoiseSocket socket, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(15));
        return WaBinaryDecoder.Decode((await socket.Frames.ReadAsync(timeout.Token)).Span);
    }

    public static Task SendAsync(NoiseSocket socket, Node node, CancellationToken cancellationToken) =>
        socket.SendAsync(WaBinaryEncoder.Encode(node), cancellationToken).AsTask();

    private Task<NoiseSocket> ConnectAsync(WaEmulatorServer server, ClientPayload payload, CancellationToken cancellationToken) =>
        NoiseSocket.ConnectAsync(
            new NoiseClientOptions { Url = server.WebSocketUrl, CertificateVerifier = server.Emulator.Certificates.CreateVerifier() },
            _noise,
            payload.ToByteArray(),
            cancellationToken: cancellationToken);

    private static Node Result(Node iq) =>
        new("iq", NodeAttributes.Create([new("to", "s.whatsapp.net"), new("type", "result"), new("id", iq.GetRequiredAttribute("id"))]));

    private static string B64(ReadOnlyMemory<byte> bytes) => Convert.ToBase64String(bytes.Span);
}
