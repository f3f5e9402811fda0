using System.Collections.Concurrent;
using CodeChat.WhatsApp.Proto;
using Google.Protobuf;

namespace CodeChat.WaEmulator.Model;

/// <summary>
/// The app-state sync keys a phone holds (it makes them; the test gives them here) and the key requests
/// its companions sent it. A companion that meets a patch under a key it lacks asks its phone with an
/// APP_STATE_SYNC_KEY_REQUEST peer message (whatsmeow appstate.go <c>requestMissingAppStateKeys</c>); the
/// phone answers with an APP_STATE_SYNC_KEY_SHARE of the keys it holds among those asked.
/// </summary>
public sealed class PhoneAppStateKeys
{
    private readonly ConcurrentDictionary<string, AppStateSyncKey> _keys = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(string Companion, byte[] KeyId)> _requests = new();

    /// <summary>Every key id a companion asked for (PN device JID of the companion, key id), in arrival order.</summary>
    public IReadOnlyList<(string Companion, byte[] KeyId)> Requests => [.. _requests];

    /// <summary>The phone holds <paramref name="keyData"/> under <paramref name="keyId"/> from now on.</summary>
    public void Add(byte[] keyId, byte[] keyData, long timestampMs)
    {
        ArgumentNullException.ThrowIfNull(keyId);
        ArgumentNullException.ThrowIfNull(keyData);
        _keys[Convert.ToBase64String(keyId)] = new AppStateSyncKey
        {
            KeyID = new AppStateSyncKeyId { KeyID = ByteString.CopyFrom(keyId) },
            KeyData = new AppStateSyncKeyData { KeyData = ByteString.CopyFrom(keyData), Timestamp = timestampMs },
        };
    }

    /// <summary>
    /// Notes the request and answers it with the keys held among those asked, as the share message;
    /// null when the phone holds none of them (it has nothing to send).
    /// </summary>
    internal Message? Answer(string companion, AppStateSyncKeyRequest request)
    {
        var share = new AppStateSyncKeyShare();
        foreach (var id in request.KeyIDs.Select(k => k.KeyID).Where(k => k is { IsEmpty: false }))
        {
            _requests.Enqueue((companion, id.ToByteArray()));
            if (_keys.TryGetValue(id.ToBase64(), out var key))
                share.Keys.Add(key.Clone());
        }
        return share.Keys.Count == 0
            ? null
            : new Message { ProtocolMessage = new ProtocolMessage { Type = ProtocolMessage.Types.Type.AppStateSyncKeyShare, AppStateSyncKeyShare = share } };
    }
}
