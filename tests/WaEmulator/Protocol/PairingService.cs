using System.Collections.Concurrent;
using System.Security.Cryptography;
using CodeChat.WaEmulator.Model;
using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Crypto;
using CodeChat.WhatsApp.Pairing;
using CodeChat.WhatsApp.Proto;
using CodeChat.WhatsApp.ServerSide;
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

    /// <summary>Set by companion_hello when the client links by pairing code instead of QR.</summary>
    public PairingCodeRequest? CodeRequest { get; set; }

    /// <summary>Set while the account's passkey is asked for before the link (whatsapp-protocol.md §4.5).</summary>
    public PasskeyLinkingRequest? Passkey { get; set; }

    public TaskCompletionSource<LinkedDevice> Linked { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>The pair-success the phone sent, remembered to check the client's pair-device-sign.</summary>
internal sealed record PairingOffer(string IqId, EmulatedAccount Account, int DeviceId, int KeyIndex, ADVSignedDeviceIdentity Issued);

/// <summary>
/// QR registration as WhatsApp's server and the scanning phone do it (whatsapp-protocol.md §4.2–4.3,
/// emulator-notes.md §3): refs out, the harness hands the QR to <see cref="ScanAsync"/>, the account's
/// phone signs the companion, the client counter-signs, the server stores the device and asks for a
/// restart (stream error 515).
/// </summary>
internal sealed class PairingService
{
    private readonly ChatServer _server;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, PendingRegistration> _byRef = new(StringComparer.Ordinal);

    public PairingService(ChatServer server, ILogger logger)
    {
        _server = server;
        _logger = logger;
        Codes = new PairingCodeService(server, this, logger);
        Passkeys = new PasskeyLinkingService(server, this, logger);
    }

    /// <summary>Passkey-required linking, after the scan or the typed code.</summary>
    public PasskeyLinkingService Passkeys { get; }

    /// <summary>Linking by phone number (link_code_companion_reg).</summary>
    public PairingCodeService Codes { get; }

    public PendingRegistration Begin(ChatSession session, ClientPayload.Types.DevicePairingRegistrationData pairing)
    {
        var keys = new DeviceKeys(
            pairing.ERegid.ToByteArray(),
            pairing.EIdent.ToByteArray(),
            new SignedPreKeyRecord(pairing.ESkeyID.ToByteArray(), pairing.ESkeyVal.ToByteArray(), pairing.ESkeySig.ToByteArray()));
        var refs = Enumerable.Range(0, _server.Options.QrRefCount)
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

        Codes.Forget(pending);
        Passkeys.Forget(pending);
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

        if (account.PasskeyRequired)
        {
            // The whole passkey flow runs before pair-success: give it the request's lifetime.
            Passkeys.Begin(pending, account, code.AdvSecret);
            return await pending.Linked.Task.WaitAsync(_server.Options.PasskeyRequestTimeout + TimeSpan.FromMinutes(1), cancellationToken);
        }

        return await OfferAsync(pending, account, code.AdvSecret, "scanned a QR").WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
    }

    /// <summary>
    /// The phone signs the registering client into <paramref name="account"/> (pair-success, §4.3) with
    /// the adv secret it learnt from the QR or derived through a pairing code; completes once the client
    /// counter-signed and the device is stored.
    /// </summary>
    public Task<LinkedDevice> OfferAsync(PendingRegistration pending, EmulatedAccount account, ReadOnlySpan<byte> advSecret, string how)
    {
        var (deviceId, keyIndex) = account.ReserveDeviceSlot();
        var details = new ADVDeviceIdentity
        {
            RawID = (uint)RandomNumberGenerator.GetInt32(1, int.MaxValue),
            Timestamp = (ulong)DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            KeyIndex = (uint)keyIndex,
        };
        var container = account.PrimaryPhone.SignCompanion(details, Curve25519PublicKey.FromBytes(pending.Keys.IdentityPublicKey), advSecret);
        var issued = ADVSignedDeviceIdentity.Parser.ParseFrom(container.Details);

        var iqId = _server.NextId();
        pending.Offer = new PairingOffer(iqId, account, deviceId, keyIndex, issued);
        var pnDevice = $"{account.Phone}:{deviceId}@s.whatsapp.net";
        var lidDevice = $"{account.LidUser}:{deviceId}@lid";
        var children = new List<Node>
        {
            Stanzas.Bytes("device-identity", container.ToByteArray()),
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
        _logger.LogInformation("Phone {Phone} {How}: offering device {Device}", account.Phone, how, pnDevice);
        return pending.Linked.Task;
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
            _logger.LogInformation("Device {Device} linked", device.PnJid);
            DeviceListNotifications.AnnounceAdded(_server, device);
            foreach (var reference in pending.Refs)
            {
                _byRef.TryRemove(reference, out _);
            }

            // Linked before the close, so the session ending cannot report a failure first.
            pending.Linked.TrySetResult(device);

            // The real server makes the client reconnect with its login payload now.
            session.Send(Stanzas.Make("stream:error", ("code", "515")));
            session.CloseAfterPendingSends();
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or InvalidProtocolBufferException or WaBinaryException)
        {
            _logger.LogWarning("Pairing of {Phone} failed: {Error}", offer.Account.Phone, ex.Message);
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
        if (!signed.Details.Equals(offer.Issued.Details))
        {
            throw new InvalidOperationException("pair-device-sign signed different device details");
        }

        var accountKey = Curve25519PublicKey.FromBytes(offer.Account.PrimaryPhone.AccountPublicKey);
        if (!PrimaryDeviceIdentity.VerifyCompanionReply(signed, offer.Issued, accountKey, Curve25519PublicKey.FromBytes(pending.Keys.IdentityPublicKey)))
        {
            throw new InvalidOperationException("pair-device-sign device signature does not verify");
        }

        // What other clients must see attached to pkmsg sends: the full identity incl. the account key.
        signed.AccountSignatureKey = ByteString.CopyFrom(offer.Account.PrimaryPhone.AccountPublicKey);
        return new LinkedDevice(offer.Account, offer.DeviceId, offer.KeyIndex, session.ClientStaticKey.ToArray(), pending.Keys, signed.ToByteArray());
    }
}
