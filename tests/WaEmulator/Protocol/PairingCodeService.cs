using System.Collections.Concurrent;
using System.Security.Cryptography;
using CodeChat.WaEmulator.Model;
using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Crypto;
using CodeChat.WhatsApp.Pairing;
using CodeChat.WhatsApp.ServerSide;
using Microsoft.Extensions.Logging;

namespace CodeChat.WaEmulator.Protocol;

/// <summary>A companion that asked to link by phone number and now waits for the code to be typed on the phone.</summary>
internal sealed class PairingCodeRequest(PendingRegistration registration, EmulatedAccount account, string reference, byte[] wrappedCompanionEphemeral, string platformDisplay, DateTimeOffset requestedAt)
{
    public PendingRegistration Registration { get; } = registration;

    public EmulatedAccount Account { get; } = account;

    /// <summary>The link_code_pairing_ref the server handed out; every later stage must echo it.</summary>
    public string Reference { get; } = reference;

    public byte[] WrappedCompanionEphemeral { get; } = wrappedCompanionEphemeral;

    /// <summary>"Browser (OS)" as the phone would list it.</summary>
    public string PlatformDisplay { get; } = platformDisplay;

    public DateTimeOffset RequestedAt { get; } = requestedAt;

    /// <summary>Set once the user typed a code on the phone (one attempt per request).</summary>
    public PrimaryPairingCode? Primary { get; set; }

    /// <summary>Completes when the phone accepted the code and sent pair-success; faults when it refused or the companion left.</summary>
    public TaskCompletionSource Accepted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>What a test (or the control API) can see of a waiting pairing-code request.</summary>
public sealed record PairingCodeRequestInfo(string Phone, string PlatformDisplay, DateTimeOffset RequestedAt, bool CodeEntered);

/// <summary>
/// Pairing by phone number, <c>link_code_companion_reg</c> (whatsapp-protocol.md §4.4), as the server and
/// the account's phone play it: companion_hello gets a ref; when the user types the code on the phone
/// (<see cref="EnterCodeAsync"/>) the phone sends its wrapped ephemeral and identity (primary_hello); the
/// companion's companion_finish key bundle must open with that code, then the phone signs the companion
/// with the derived adv secret (pair-success), and the QR path's pair-device-sign / 515 follow.
/// </summary>
internal sealed class PairingCodeService(ChatServer server, PairingService pairing, ILogger logger)
{
    private const string Tag = "link_code_companion_reg";
    private readonly ConcurrentDictionary<string, PairingCodeRequest> _byPhone = new(StringComparer.Ordinal);

    public IReadOnlyList<PairingCodeRequestInfo> Waiting =>
    [
        .. _byPhone.Values
            .Where(r => !IsExpired(r))
            .OrderBy(r => r.RequestedAt)
            .Select(r => new PairingCodeRequestInfo(r.Account.Phone, r.PlatformDisplay, r.RequestedAt, r.Primary is not null)),
    ];

    /// <summary>An iq with a link_code_companion_reg child from a registering connection; answers it itself.</summary>
    public void Handle(ChatSession session, Node iq, Node registration)
    {
        if (session.Registration is not { } pending || iq.GetAttribute("type") != "set")
        {
            session.Send(Stanzas.Error(iq, 400, "bad-request"));
            return;
        }

        switch (registration.GetAttribute("stage"))
        {
            case "companion_hello":
                session.Send(Hello(pending, iq, registration));
                break;
            case "companion_finish":
                Finish(pending, iq, registration);
                break;
            default:
                session.Send(Stanzas.Error(iq, 400, "bad-request"));
                break;
        }
    }

    /// <summary>
    /// The user types <paramref name="code"/> on <paramref name="account"/>'s phone. Completes with the
    /// linked device once the companion finished and counter-signed; throws when the code was wrong.
    /// </summary>
    public async Task<LinkedDevice> EnterCodeAsync(EmulatedAccount account, string code, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        var typed = Normalize(code);
        if (!PairingCode.IsValid(typed))
        {
            throw new ArgumentException($"a pairing code is {PairingCode.Length} characters of {PairingCode.Alphabet} (a dash is fine)", nameof(code));
        }

        if (!_byPhone.TryGetValue(account.Phone, out var request) || IsExpired(request))
        {
            throw new InvalidOperationException($"no companion is waiting for a pairing code for {account.Phone}");
        }

        var primary = account.PrimaryPhone.BeginPairingCode(typed);
        lock (request)
        {
            if (request.Primary is not null)
            {
                throw new InvalidOperationException("a code was already entered for this request");
            }

            request.Primary = primary;
        }

        var sent = request.Registration.Session.Send(Stanzas.Children(
            "notification",
            [("from", Stanzas.ServerJid), ("type", Tag), ("id", server.NextId()), ("t", Stanzas.UnixNow())],
            [
                Stanzas.Children(
                    Tag,
                    [("stage", "primary_hello")],
                    [
                        Stanzas.Bytes("link_code_pairing_ref", System.Text.Encoding.UTF8.GetBytes(request.Reference)),
                        Stanzas.Bytes("link_code_pairing_wrapped_primary_ephemeral_pub", primary.WrapEphemeralKey()),
                        Stanzas.Bytes("primary_identity_pub", account.PrimaryPhone.AccountPublicKey),
                    ]),
            ]));
        if (!sent)
        {
            Remove(request);
            throw new InvalidOperationException("the companion disconnected before the code was entered");
        }

        logger.LogInformation("Phone {Phone}: pairing code entered for {Platform}", account.Phone, request.PlatformDisplay);
        await request.Accepted.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
        var linkLimit = account.PasskeyRequired ? server.Options.PasskeyRequestTimeout + TimeSpan.FromMinutes(1) : TimeSpan.FromSeconds(60);
        return await request.Registration.Linked.Task.WaitAsync(linkLimit, cancellationToken);
    }

    /// <summary>The registering connection ended: its request dies with it.</summary>
    public void Forget(PendingRegistration pending)
    {
        if (pending.CodeRequest is { } request)
        {
            Remove(request);
            request.Accepted.TrySetException(new InvalidOperationException("the companion disconnected before pairing finished"));
        }
    }

    private Node Hello(PendingRegistration pending, Node iq, Node registration)
    {
        if (registration.GetJid("jid") is not { } phoneJid || server.Directory.FindUser(phoneJid) is not { } account)
        {
            // emulator choice: an unknown number is refused right away rather than left hanging
            return Stanzas.Error(iq, 404, "item-not-found");
        }

        var wrapped = ChildBytes(registration, "link_code_pairing_wrapped_companion_ephemeral_pub");
        var noiseKey = ChildBytes(registration, "companion_server_auth_key_pub");
        if (wrapped.Length != PairingCode.WrappedKeyLength || !noiseKey.AsSpan().SequenceEqual(pending.Session.ClientStaticKey.Span))
        {
            return Stanzas.Error(iq, 400, "bad-request");
        }

        var display = System.Text.Encoding.UTF8.GetString(ChildBytes(registration, "companion_platform_display"));
        var reference = "2@" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
        var request = new PairingCodeRequest(pending, account, reference, wrapped, display, DateTimeOffset.UtcNow);
        if (pending.CodeRequest is { } previous)
        {
            Remove(previous);
        }

        pending.CodeRequest = request;
        // The phone shows one request per number: a newer companion_hello replaces an older one.
        _byPhone[account.Phone] = request;
        logger.LogInformation("{Session}: companion_hello for {Phone} ({Platform})", pending.Session.Label, account.Phone, display);
        return Stanzas.Result(iq, Stanzas.Children(Tag, [], [Stanzas.Bytes("link_code_pairing_ref", System.Text.Encoding.UTF8.GetBytes(reference))]));
    }

    private void Finish(PendingRegistration pending, Node iq, Node registration)
    {
        var session = pending.Session;
        var request = pending.CodeRequest;
        var reference = System.Text.Encoding.UTF8.GetString(ChildBytes(registration, "link_code_pairing_ref"));
        if (request is null || request.Primary is not { } primary || reference != request.Reference)
        {
            session.Send(Stanzas.Error(iq, 400, "bad-request"));
            return;
        }

        Remove(request);
        PrimaryPairingResult opened;
        try
        {
            opened = primary.OpenKeyBundle(request.WrappedCompanionEphemeral, ChildBytes(registration, "link_code_pairing_wrapped_key_bundle"));
            var claimed = ChildBytes(registration, "companion_identity_public");
            if (!opened.CompanionIdentity.Raw32.Span.SequenceEqual(pending.Keys.IdentityPublicKey) || !claimed.AsSpan().SequenceEqual(pending.Keys.IdentityPublicKey))
            {
                throw new PairingException(PairingError.InternalError, "the key bundle names another companion identity");
            }
        }
        catch (PairingException ex)
        {
            // A wrong code only shows here: the bundle does not open with what the user typed.
            logger.LogWarning("Phone {Phone} refused the pairing code: {Error}", request.Account.Phone, ex.Message);
            session.Send(Stanzas.Error(iq, 401, "not-authorized"));
            request.Accepted.TrySetException(new InvalidOperationException("the phone refused the pairing code (wrong code?): " + ex.Message, ex));
            return;
        }

        session.Send(Stanzas.Result(iq));
        if (request.Account.PasskeyRequired)
        {
            pairing.Passkeys.Begin(pending, request.Account, opened.AdvSecret);
        }
        else
        {
            _ = pairing.OfferAsync(pending, request.Account, opened.AdvSecret, "accepted a pairing code");
        }

        CryptographicOperations.ZeroMemory(opened.AdvSecret);
        request.Accepted.TrySetResult();
    }

    private void Remove(PairingCodeRequest request) =>
        _byPhone.TryRemove(new KeyValuePair<string, PairingCodeRequest>(request.Account.Phone, request));

    private static bool IsExpired(PairingCodeRequest request) => DateTimeOffset.UtcNow - request.RequestedAt > PairingCode.Validity;

    private static string Normalize(string code) =>
        new([.. (code ?? "").Where(c => c is not ('-' or ' ')).Select(char.ToUpperInvariant)]);

    /// <summary>A child's content as bytes; Baileys sends some of them as strings, which the decoder keeps as text.</summary>
    private static byte[] ChildBytes(Node parent, string tag) => parent.GetChild(tag) switch
    {
        null => [],
        { Content.Text: { } text } => System.Text.Encoding.UTF8.GetBytes(text),
        var child => Stanzas.Content(child),
    };
}
