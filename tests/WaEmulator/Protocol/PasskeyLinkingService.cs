using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CodeChat.WaEmulator.Model;
using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Proto;
using CodeChat.WhatsApp.ServerSide;
using Microsoft.Extensions.Logging;

namespace CodeChat.WaEmulator.Protocol;

/// <summary>Where one passkey linking stands.</summary>
public enum PasskeyLinkingStage
{
    /// <summary>The request options went out; the assertion (passkey_prologue) is awaited.</summary>
    AwaitingAssertion,
    /// <summary>The phone sent its continuation; the companion's nonce is awaited.</summary>
    AwaitingNonce,
    /// <summary>The phone shows the confirmation code; the sealed pairing request is awaited.</summary>
    AwaitingPairingRequest,
}

/// <summary>What a test can see of a passkey linking in progress.</summary>
/// <param name="ConfirmationCode">The code the phone shows (8 characters, no dash) once the nonce arrived.</param>
public sealed record PasskeyLinkingInfo(string Phone, PasskeyLinkingStage Stage, string? ConfirmationCode, bool HandoffProven, string Challenge);

/// <summary>One companion asked for the account's passkey.</summary>
internal sealed class PasskeyLinkingRequest(PendingRegistration registration, EmulatedAccount account, byte[] knownAdvSecret, byte[] challenge, string optionsJson, DateTimeOffset issuedAt)
{
    public PendingRegistration Registration { get; } = registration;

    public EmulatedAccount Account { get; } = account;

    public byte[] KnownAdvSecret { get; } = knownAdvSecret;

    public byte[] Challenge { get; } = challenge;

    public string OptionsJson { get; } = optionsJson;

    public DateTimeOffset IssuedAt { get; } = issuedAt;

    public PasskeyLinkingStage Stage { get; set; } = PasskeyLinkingStage.AwaitingAssertion;

    /// <summary>The <c>&lt;ref&gt;</c> handed out for the ephemeral identity; null until asked for.</summary>
    public string? Ref { get; set; }

    public PrimaryPasskeyLinking? Primary { get; set; }
}

/// <summary>
/// Passkey-required linking (whatsapp-protocol.md §4.5) as WhatsApp's server and the account's phone play
/// it: after the scan (or the typed code) the server sends <c>passkey_prologue_request</c> with WebAuthn
/// request options instead of pair-success; it answers the options and <c>&lt;ref&gt;</c> iqs, checks the
/// assertion as a relying party does (<see cref="WebAuthnAssertionVerifier"/>) and the handoff proof, the
/// phone sends <c>crsc_continuation</c>, checks the revealed nonce against the commitment, shows the
/// confirmation code, opens the sealed pairing request and only then sends pair-success. Any failure is an
/// iq error 401 (emulator choice: the references do not show the real server's codes) and ends the attempt
/// without a link.
/// </summary>
internal sealed class PasskeyLinkingService(ChatServer server, PairingService pairing, ILogger logger)
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<PendingRegistration, PasskeyLinkingRequest> _active = new();

    public IReadOnlyList<PasskeyLinkingInfo> Waiting => [.. _active.Values.OrderBy(r => r.IssuedAt).Select(Describe)];

    /// <summary>The registering connection ended: its attempt dies with it.</summary>
    public void Forget(PendingRegistration pending)
    {
        pending.Passkey = null;
        _active.TryRemove(pending, out _);
    }

    /// <summary>The phone would link the companion, but the account wants its passkey first.</summary>
    public void Begin(PendingRegistration pending, EmulatedAccount account, ReadOnlySpan<byte> knownAdvSecret)
    {
        var passkey = account.Passkey ?? throw new InvalidOperationException($"{account.Phone} has no passkey");
        var challenge = RandomNumberGenerator.GetBytes(32);
        var options = JsonSerializer.Serialize(new
        {
            challenge = Base64Url.EncodeToString(challenge),
            timeout = (int)server.Options.PasskeyRequestTimeout.TotalMilliseconds,
            rpId = server.Options.PasskeyRelyingPartyId,
            allowCredentials = new[] { new { id = Base64Url.EncodeToString(passkey.CredentialId), type = "public-key", transports = new[] { "internal", "hybrid" } } },
            userVerification = "preferred",
            extensions = new { },
        });
        var request = new PasskeyLinkingRequest(pending, account, knownAdvSecret.ToArray(), challenge, options, DateTimeOffset.UtcNow);
        pending.Passkey = request;
        _active[pending] = request;
        pending.Session.Send(Stanzas.Children(
            "notification",
            [("from", Stanzas.ServerJid), ("type", "passkey_prologue_request"), ("id", server.NextId()), ("t", Stanzas.UnixNow())],
            [Stanzas.Bytes("passkey_request_options", Encoding.UTF8.GetBytes(options))]));
        logger.LogInformation("Phone {Phone}: the account wants its passkey before linking {Session}", account.Phone, pending.Session.Label);
    }

    /// <summary>An iq of a registering connection; true when it was a passkey iq (answered here).</summary>
    public bool TryHandle(ChatSession session, Node iq)
    {
        if (session.Registration is not { } pending || iq.GetAttribute("xmlns") != "md")
        {
            return false;
        }
        var request = pending.Passkey;
        var type = iq.GetAttribute("type");
        if (type == "get" && iq.HasChild("passkey_request_options"))
        {
            session.Send(request is null
                ? Stanzas.Error(iq, 404, "item-not-found")
                : Stanzas.Result(iq, Stanzas.Bytes("passkey_request_options", Encoding.UTF8.GetBytes(request.OptionsJson))));
            return true;
        }
        if (type == "get" && iq.HasChild("ref"))
        {
            if (request is null)
            {
                session.Send(Stanzas.Error(iq, 404, "item-not-found"));
                return true;
            }
            request.Ref ??= "2@" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
            session.Send(Stanzas.Result(iq, Stanzas.Bytes("ref", Encoding.UTF8.GetBytes(request.Ref))));
            return true;
        }
        if (type != "set")
        {
            return false;
        }
        if (iq.GetChild("passkey_prologue") is { } prologue)
        {
            Prologue(session, pending, request, iq, prologue);
            return true;
        }
        if (iq.GetChild("companion_nonce") is { } nonce)
        {
            Nonce(session, pending, request, iq, nonce);
            return true;
        }
        if (iq.GetChild("encrypted_pairing_request") is { } sealedRequest)
        {
            PairingRequest(session, pending, request, iq, sealedRequest);
            return true;
        }
        return false;
    }

    private void Prologue(ChatSession session, PendingRegistration pending, PasskeyLinkingRequest? request, Node iq, Node prologue)
    {
        if (request is not { Stage: PasskeyLinkingStage.AwaitingAssertion, Ref: { } issuedRef })
        {
            Refuse(session, pending, request, iq, "a passkey prologue out of turn (no request, no ref, or an assertion already used)");
            return;
        }
        if (DateTimeOffset.UtcNow - request.IssuedAt > server.Options.PasskeyRequestTimeout)
        {
            Refuse(session, pending, request, iq, "the challenge expired");
            return;
        }
        var passkey = request.Account.Passkey!;
        using (var verifier = passkey.CreateVerifier())
        {
            var problem = WebAuthnAssertionVerifier.Check(
                Child(prologue, "webauthn_assertion"), Child(prologue, "credential_id"), passkey.CredentialId, verifier,
                request.Challenge, server.Options.PasskeyRelyingPartyId, server.Options.PasskeyOrigin);
            if (problem is not null)
            {
                Refuse(session, pending, request, iq, "assertion refused: " + problem);
                return;
            }
        }
        var primary = new PrimaryPasskeyLinking(request.KnownAdvSecret, issuedRef);
        var proof = prologue.GetChild("pairing_handoff_proof");
        var prologueProblem = primary.AcceptPrologue(Child(prologue, "prologue_payload"), proof is null ? [] : Stanzas.Content(proof), proof is not null);
        if (prologueProblem is not null)
        {
            Refuse(session, pending, request, iq, prologueProblem);
            return;
        }
        request.Primary = primary;
        request.Stage = PasskeyLinkingStage.AwaitingNonce;
        session.Send(Stanzas.Result(iq));
        logger.LogInformation("Phone {Phone}: passkey assertion accepted (handoff proof: {Proven}); continuing", request.Account.Phone, primary.HandoffProven);
        session.Send(Stanzas.Children(
            "notification",
            [("from", Stanzas.ServerJid), ("type", "crsc_continuation"), ("id", server.NextId()), ("t", Stanzas.UnixNow())],
            [Stanzas.Bytes("primary_ephemeral_identity", primary.CreateContinuation())]));
    }

    private void Nonce(ChatSession session, PendingRegistration pending, PasskeyLinkingRequest? request, Node iq, Node nonce)
    {
        if (request is not { Stage: PasskeyLinkingStage.AwaitingNonce, Primary: { } primary })
        {
            Refuse(session, pending, request, iq, "a companion nonce out of turn");
            return;
        }
        if (primary.AcceptNonce(Stanzas.Content(nonce)) is { } problem)
        {
            Refuse(session, pending, request, iq, problem);
            return;
        }
        request.Stage = PasskeyLinkingStage.AwaitingPairingRequest;
        session.Send(Stanzas.Result(iq));
        logger.LogInformation("Phone {Phone}: showing the passkey confirmation code", request.Account.Phone);
    }

    private void PairingRequest(ChatSession session, PendingRegistration pending, PasskeyLinkingRequest? request, Node iq, Node sealedRequest)
    {
        if (request is not { Stage: PasskeyLinkingStage.AwaitingPairingRequest, Primary: { } primary })
        {
            Refuse(session, pending, request, iq, "a pairing request out of turn");
            return;
        }
        PairingRequest opened;
        try
        {
            opened = primary.OpenPairingRequest(Stanzas.Content(sealedRequest));
        }
        catch (Exception exception) when (exception is CryptographicException or Google.Protobuf.InvalidProtocolBufferException)
        {
            Refuse(session, pending, request, iq, "the pairing request does not open (another key: a different code)");
            return;
        }
        if (!opened.CompanionPublicKey.Span.SequenceEqual(session.ClientStaticKey.Span)
            || !opened.CompanionIdentityKey.Span.SequenceEqual(pending.Keys.IdentityPublicKey)
            || opened.AdvSecret.Length != 32)
        {
            Refuse(session, pending, request, iq, "the pairing request names another companion");
            return;
        }
        Forget(pending);
        session.Send(Stanzas.Result(iq));
        _ = pairing.OfferAsync(pending, request.Account, opened.AdvSecret.Span, "linked with a passkey");
    }

    /// <summary>The attempt ends: iq error, no link, and whoever waits for the link learns why.</summary>
    private void Refuse(ChatSession session, PendingRegistration pending, PasskeyLinkingRequest? request, Node iq, string reason)
    {
        logger.LogWarning("{Session}: passkey linking refused: {Reason}", session.Label, reason);
        session.Send(Stanzas.Error(iq, 401, "not-authorized"));
        if (request is not null)
        {
            Forget(pending);
            pending.Linked.TrySetException(new InvalidOperationException("passkey linking refused: " + reason));
        }
    }

    private static PasskeyLinkingInfo Describe(PasskeyLinkingRequest request) => new(
        request.Account.Phone, request.Stage, request.Primary?.ConfirmationCode, request.Primary?.HandoffProven ?? false,
        Base64Url.EncodeToString(request.Challenge));

    private static byte[] Child(Node parent, string tag) => parent.GetChild(tag) is { } child ? Stanzas.Content(child) : [];
}
