using System.Collections.Concurrent;
using System.Security.Cryptography;
using CodeChat.WaEmulator.Model;
using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Crypto;
using CodeChat.WhatsApp.Proto;
using Google.Protobuf;
using Microsoft.Extensions.Logging;

namespace CodeChat.WaEmulator.Protocol;

/// <summary>A registering connection waiting for its QR to be scanned.</summary>
internal sealed class PendingRegistration(ChatSession session, IReadOnlyList<string> refs, DeviceKeys keys)
{
    public ChatSession Session { get; } = session;

    public IReadOnlyList<string> Refs { get; } = refs;

    public DeviceKeys Keys { get; } = keys;

    /// <summary>Set once the phone scanned: what pair-device-sign must answer.</summary>
    public PairingOffer? Offer { get; set; }

    public TaskCompletionSource<LinkedDevice> Linked { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>The pair-success the phone sent, remembered to check the client's pair-device-sign.</summary>
internal sealed record PairingOffer(string IqId, EmulatedAccount Account, int DeviceId, int KeyIndex, byte[] DetailsBytes);

/// <summary>
/// QR registration as WhatsApp's server and the scanning phone do it (whatsapp-protocol.md §4.2–4.3,
/// emulator-notes.md §3): refs out, the harness hands the QR to <see cref="ScanAsync"/>, the account's
/// phone signs the companion, the client counter-signs, the server stores the device and asks for a
/// restart (stream error 515).
/// </summary>
internal sealed class PairingService(ChatServer server, ILogger logger)
{
    private static readonly byte[] AccountSignaturePrefix = [6, 0];
    private static readonly byte[] DeviceSignaturePrefix = [6, 1];
    private readonly ConcurrentDictionary<string, PendingRegistration> _byRef = new(StringComparer.Ordinal);

    public PendingRegistration Begin(ChatSession session, ClientPayload.Types.DevicePairingRegistrationData pairing)
    {
        var keys = new DeviceKeys(
            pairing.ERegid.ToByteArray(),
            pairing.EIdent.ToByteArray(),
            new SignedPreKeyRecord(pairing.ESkeyID.ToByteArray(), pairing.ESkeyVal.ToByteArray(), pairing.ESkeySig.ToByteArray()));
        var refs = Enumerable.Range(0, server.Options.QrRefCount)
            .Select(_ => "2@" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(36)))
            .ToArray();
        var pending = new PendingRegistration(session, refs, keys);
        foreach (var reference in refs)
        {
            _byRef[reference] = pending;
        }

        return pending;
    }

    public void Forget(ChatSession session)
    {
        if (session.Registration is not { } pending)
        {
            return;
        }

        foreach (var reference in pending.Refs)
        {
            _byRef.TryRemove(reference, out _);
        }

        pending.Linked.TrySetException(new InvalidOperationException("the registering client disconnected before pairing finished"));
    }

    /// <summary>The account's phone scans <paramref name="qr"/>; completes when the client has counter-signed.</summary>
    public async Task<LinkedDevice> ScanAsync(string qr, EmulatedAccount account, CancellationToken cancellationToken)
    {
        var code = QrCode.Parse(qr);
        if (!_byRef.TryGetValue(code.Ref, out var pending))
        {
            throw new InvalidOperationException("no registering client holds this QR ref (expired or already used)");
        }

        // The QR binds the ref to the client's noise and identity keys; a mismatch means a forged QR.
        if (!code.NoisePublicKey.AsSpan().SequenceEqual(pending.Session.ClientStaticKey.Span)
            || !code.IdentityPublicKey.AsSpan().SequenceEqual(pending.Keys.IdentityPublicKey))
        {
            throw new InvalidOperationException("the QR's keys do not match the connection that holds its ref");
        }

        var (deviceId, keyIndex) = account.ReserveDeviceSlot();
        var details = new ADVDeviceIdentity
        {
            RawID = (uint)RandomNumberGenerator.GetInt32(1, int.MaxValue),
            Timestamp = (ulong)DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            KeyIndex = (uint)keyIndex,
        }.ToByteArray();
        var accountSignature = account.PrimaryPhone.SignWithAccountKey([.. AccountSignaturePrefix, .. details, .. pending.Keys.IdentityPublicKey]);
        var signed = new ADVSignedDeviceIdentity
        {
            Details = ByteString.CopyFrom(details),
            AccountSignatureKey = ByteString.CopyFrom(account.PrimaryPhone.AccountPublicKey),
            AccountSignature = ByteString.CopyFrom(accountSignature),
        }.ToByteArray();
        var container = new ADVSignedDeviceIdentityHMAC
        {
            Details = ByteString.CopyFrom(signed),
            HMAC = ByteString.CopyFrom(MessageAuthentication.HmacSha256(code.AdvSecret, signed)),
        }.ToByteArray();

        var iqId = server.NextId();
        pending.Offer = new PairingOffer(iqId, account, deviceId, keyIndex, details);
        var pnDevice = $"{account.Phone}:{deviceId}@s.whatsapp.net";
        var lidDevice = $"{account.LidUser}:{deviceId}@lid";
        var children = new List<Node>
        {
            Stanzas.Bytes("device-identity", container),
            Stanzas.Make("platform", ("name", "android")),
            Stanzas.Make("device", ("jid", pnDevice), ("lid", lidDevice)),
        };
        if (account.PushName is { } name)
        {
            // Baileys keeps this as creds.me.name, its only pushname source here (emulator-notes.md §3)
            children.Add(Stanzas.Make("biz", ("name", name)));
        }

        pending.Session.Send(Stanzas.Children(
            "iq",
            [("from", Stanzas.ServerJid), ("type", "set"), ("id", iqId), ("xmlns", "md"), ("t", Stanzas.UnixNow())],
            [Stanzas.Children("pair-success", [], children)]));
        logger.LogInformation("Phone {Phone} scanned a QR: offering device {Device}", account.Phone, pnDevice);

        return await pending.Linked.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
    }

    /// <summary>An IQ result from a registering client: pair-device ack, or the pair-device-sign answer.</summary>
    public void OnRegistrationResult(ChatSession session, Node iq)
    {
        if (session.Registration is not { Offer: { } offer } pending || iq.GetAttribute("id") != offer.IqId)
        {
            return; // the ack of pair-device: nothing to do
        }

        try
        {
            var device = Verify(session, pending, offer, iq);
            offer.Account.AddDevice(device);
            logger.LogInformation("Device {Device} linked", device.PnJid);
            foreach (var reference in pending.Refs)
            {
                _byRef.TryRemove(reference, out _);
            }

            // The real server makes the client reconnect with its login payload now.
            session.Send(Stanzas.Make("stream:error", ("code", "515")));
            session.CloseAfterPendingSends();
            pending.Linked.TrySetResult(device);
        }
        catch (Exception ex) when (ex is InvalidOperationException or InvalidProtocolBufferException or WaBinaryException)
        {
            logger.LogWarning("Pairing of {Phone} failed: {Error}", offer.Account.Phone, ex.Message);
            pending.Linked.TrySetException(ex);
            session.CloseAfterPendingSends();
        }
    }

    private static LinkedDevice Verify(ChatSession session, PendingRegistration pending, PairingOffer offer, Node iq)
    {
        var identityNode = iq.GetChild("pair-device-sign")?.GetChild("device-identity")
            ?? throw new InvalidOperationException("pair-success answer lacks pair-device-sign/device-identity");
        if (identityNode.GetInt32("key-index") != offer.KeyIndex)
        {
            throw new InvalidOperationException($"pair-device-sign key-index {identityNode.GetAttribute("key-index")} != {offer.KeyIndex}");
        }

        var signed = ADVSignedDeviceIdentity.Parser.ParseFrom(Stanzas.Content(identityNode));
        if (!signed.Details.Span.SequenceEqual(offer.DetailsBytes))
        {
            throw new InvalidOperationException("pair-device-sign signed different device details");
        }

        var identity = pending.Keys.IdentityPublicKey;
        byte[] signedBytes = [.. DeviceSignaturePrefix, .. offer.DetailsBytes, .. identity, .. offer.Account.PrimaryPhone.AccountPublicKey];
        if (!XEdDsa.Verify(identity, signedBytes, signed.DeviceSignature.Span))
        {
            throw new InvalidOperationException("pair-device-sign device signature does not verify");
        }

        // What other clients must see attached to pkmsg sends: the full identity incl. the account key.
        signed.AccountSignatureKey = ByteString.CopyFrom(offer.Account.PrimaryPhone.AccountPublicKey);
        return new LinkedDevice(offer.Account, offer.DeviceId, offer.KeyIndex, session.ClientStaticKey.ToArray(), pending.Keys, signed.ToByteArray());
    }
}
