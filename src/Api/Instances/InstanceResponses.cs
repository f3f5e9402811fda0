using System.Text.Json;
using System.Text.Json.Serialization;
using CodeChat.Grains.Abstractions.Instances;

namespace CodeChat.Api.Instances;

// Shapes follow CodeChat 1.3 (codechat-api.md §3), including its capitalised relation names.
// Auth.id is a number as 1.3's Auth row id (prisma/schema.prisma, Int autoincrement): the Auth row
// is one per instance and survives token rotation there, so the instance id serves as its id.
// The fetch routes show Auth.token as 1.3 does: the API keeps tokens encrypted and opens them only
// for a caller allowed on that instance (api-contract.md §6).

public sealed record CreatedAuth(long Id, string Token);

public sealed record CreatedInstanceResponse(
    long Id, string Name, string? Description, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    [property: JsonPropertyName("Auth")] CreatedAuth Auth);

/// <summary><c>Token</c> is null only for a token issued before tokens were kept (refreshToken replaces it).</summary>
public sealed record InstanceAuth(long Id, string? Token, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary><c>Passkey</c> (our extension) is the passkey stage while a passkey linking lasts.</summary>
public sealed record WhatsappConnection(
    string State, int StatusReason,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Passkey = null);

public sealed record WhatsappStatus(WhatsappConnection Connection);

public sealed record InstanceResponse(
    long Id, string Name, string? Description, string ConnectionStatus, string? OwnerJid, string? ProfilePicUrl,
    JsonElement? ExternalAttributes, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    [property: JsonPropertyName("Auth")] InstanceAuth Auth,
    [property: JsonPropertyName("Webhook")] object? Webhook,
    [property: JsonPropertyName("Whatsapp"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] WhatsappStatus? Whatsapp);

public sealed record UpdatedAuth(long Id);

public sealed record UpdatedInstanceResponse(
    long Id, string Name, string? Description, JsonElement? ExternalAttributes, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    [property: JsonPropertyName("Auth")] UpdatedAuth Auth);

public sealed record DeletedInstanceResponse(
    long Id, string Name, string? Description, string ConnectionStatus, string? OwnerJid, string? ProfilePicUrl,
    JsonElement? ExternalAttributes, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset DeletedAt);

public sealed record RefreshedTokenResponse(long Id, string Token, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, long InstanceId);

internal static class InstanceResponseMapping
{
    /// <summary>
    /// CodeChat's synthetic reason for "no live session in this process" (codechat-api.md §8), for
    /// snapshots that do not carry the live state.
    /// </summary>
    private const int NotLoadedStatusReason = 400;
    private const int OpenStatusReason = 200;

    public static CreatedInstanceResponse Created(InstanceSnapshot instance, string token) =>
        new(instance.Id, instance.Name, instance.Description, instance.CreatedAt, instance.UpdatedAt, new CreatedAuth(instance.Id, token));

    /// <param name="token">The instance's token in clear, for a caller allowed to see it.</param>
    public static InstanceResponse Listed(
        InstanceSnapshot instance, string? token, bool withConnection, InstanceConnectionView? connection = null) => new(
        instance.Id, instance.Name, instance.Description, instance.ConnectionStatus, instance.OwnerJid, instance.ProfilePicUrl,
        Attributes(instance), instance.CreatedAt, instance.UpdatedAt,
        new InstanceAuth(instance.Id, token, instance.TokenCreatedAt, instance.TokenUpdatedAt),
        Webhook: null,
        withConnection
            ? new WhatsappStatus(connection is not null
                ? new WhatsappConnection(connection.State.ToText(), connection.StatusReason, connection.PasskeyStage)
                : instance.ConnectionStatus == InstanceConnectionStatus.Online
                    ? new WhatsappConnection(InstanceConnectionState.Open.ToText(), OpenStatusReason)
                    : new WhatsappConnection(InstanceConnectionState.Close.ToText(), NotLoadedStatusReason))
            : null);

    public static UpdatedInstanceResponse Updated(InstanceSnapshot instance) => new(
        instance.Id, instance.Name, instance.Description, Attributes(instance), instance.CreatedAt, instance.UpdatedAt,
        new UpdatedAuth(instance.Id));

    public static DeletedInstanceResponse Deleted(InstanceSnapshot instance) => new(
        instance.Id, instance.Name, instance.Description, instance.ConnectionStatus, instance.OwnerJid, instance.ProfilePicUrl,
        Attributes(instance), instance.CreatedAt, instance.UpdatedAt, instance.DeletedAt ?? instance.UpdatedAt);

    public static RefreshedTokenResponse Refreshed(InstanceSnapshot instance, string token) =>
        new(instance.Id, token, instance.TokenCreatedAt, instance.TokenUpdatedAt, instance.Id);

    private static JsonElement? Attributes(InstanceSnapshot instance)
    {
        if (instance.ExternalAttributesJson is null)
            return null;
        using var document = JsonDocument.Parse(instance.ExternalAttributesJson);
        return document.RootElement.Clone();
    }
}
