using System.Text.Json.Serialization;
using CodeChat.Grains.Abstractions.Instances;

namespace CodeChat.Grains.Instances;

/// <summary>
/// The persisted record of one instance (grain storage "Default", state name "instance").
/// Stored as JSON by the silo's System.Text.Json serializer, hence public settable properties.
/// </summary>
[GenerateSerializer]
[Alias("CodeChat.InstanceState")]
public sealed class InstanceState
{
    /// <summary>0 until the instance is created; doubles as the "exists" marker after a clear.</summary>
    [Id(0)] public long Id { get; set; }
    [Id(1)] public string? Description { get; set; }
    [Id(2)] public string? ExternalAttributesJson { get; set; }
    [Id(3)] public string TokenId { get; set; } = "";
    [Id(4)] public byte[] TokenSha256 { get; set; } = [];
    [Id(5)] public DateTimeOffset TokenCreatedAt { get; set; }
    [Id(6)] public DateTimeOffset TokenUpdatedAt { get; set; }
    [Id(7)] public DateTimeOffset CreatedAt { get; set; }
    [Id(8)] public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>Open from connect until logout (or a session end that must not be retried); else close. Stored as "open"/"close".</summary>
    [Id(9)] public InstanceConnectionState DesiredConnectionState { get; set; } = InstanceConnectionState.Close;
    /// <summary>What the WhatsApp session really is; close until a session exists. Stored as CodeChat's word.</summary>
    [Id(10)] public InstanceConnectionState ActualConnectionState { get; set; } = InstanceConnectionState.Close;
    [Id(11)] public string? OwnerJid { get; set; }
    [Id(12)] public string? ProfilePicUrl { get; set; }
    // Id 13 and the JSON property "Webhook" were the webhook settings before they moved to the
    // webhook_endpoints table; a record that still has them loads (unknown JSON properties are skipped).
    /// <summary>
    /// Bumped and written before every session start: the write succeeds only with the current ETag,
    /// so a stale activation elsewhere cannot start (fencing); signals of older sessions are dropped.
    /// </summary>
    [Id(14)] public long SessionEpoch { get; set; }
    /// <summary>CodeChat's statusReason of <see cref="ActualConnectionState"/>; 400 = never loaded.</summary>
    [Id(15)] public int StatusReason { get; set; } = 400;
    /// <summary>
    /// While a session is open: the silo whose activation runs it (<c>SiloAddress.ToParsableString</c>),
    /// renewed with <see cref="SessionLeaseUntil"/>. A resume elsewhere waits for it to lapse (or for
    /// that silo to be declared dead) instead of dialling over the live socket. Null when not open.
    /// </summary>
    [Id(16)] public string? SessionLeaseHolder { get; set; }
    [Id(17)] public DateTimeOffset? SessionLeaseUntil { get; set; }
    /// <summary>The current token encrypted by the API (Data Protection); null for tokens issued before tokens were kept.</summary>
    // Left out while null, so a record without one is stored exactly as before this property existed.
    [Id(18)]
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? ProtectedToken { get; set; }
    /// <summary>
    /// Outbox events written with the state change they report and not yet known to be in
    /// <c>instance_events</c> (<see cref="PendingInstanceEvent"/>). Null (and left out) once relayed.
    /// </summary>
    [Id(19)]
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public List<PendingInstanceEvent>? PendingEvents { get; set; }

    public bool Exists => Id > 0;

    /// <summary>
    /// The connection fields seen as one value whose moves are checked (<see cref="InstanceConnection"/>);
    /// <see cref="UpdatedAt"/> doubles as its "since", as CodeChat's updatedAt does. Not stored itself.
    /// </summary>
    [JsonIgnore]
    public InstanceConnection Connection
    {
        get => new(DesiredConnectionState, ActualConnectionState, StatusReason, UpdatedAt);
        set
        {
            DesiredConnectionState = value.Wanted;
            ActualConnectionState = value.Actual;
            StatusReason = value.StatusReason;
            UpdatedAt = value.Since;
        }
    }
}
