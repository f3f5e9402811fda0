using System.Text.Json;
using System.Text.Json.Nodes;
using CodeChat.Grains.Abstractions.Events;
using CodeChat.Grains.Abstractions.Groups;
using CodeChat.WhatsApp.Binary;
using CodeChat.WhatsApp.Groups;

namespace CodeChat.Grains.Groups;

/// <summary>
/// The group events (api-contract.md §3; names from the seed, shapes from Baileys 7's
/// <c>groups.upsert</c> / <c>groups.update</c> / <c>group-participants.update</c> as CodeChat forwards them,
/// codechat-api.md §7.2): <c>group.upsert</c> an array of <see cref="GroupMetadataView"/> plus the
/// author; <c>group.update</c> an array of partial metadata (<c>id</c>, the author and the changed fields);
/// <c>group:participant.update</c> <c>{id, author, authorPn, authorLid, action, participants[{id,
/// phoneNumber, lid, admin}]}</c>. Every person carries the phone JID and the LID when known.
/// Each event has a <see cref="GroupEventData.Key"/> naming the fact, so a notification delivered again
/// finds its events already recorded.
/// </summary>
public static class GroupEventPayloads
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static IReadOnlyList<GroupEventData> From(GroupNotification notification)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var events = new List<GroupEventData>();
        var group = notification.Group.ToString();
        var index = 0;
        foreach (var change in notification.Changes)
        {
            var key = $"{group}\n{notification.Id}\n{index++}";
            switch (change)
            {
                case GroupAppearedChange appeared:
                    events.Add(Upsert(GroupViews.From(appeared.Metadata), notification.Author, notification.AuthorPhoneNumber,
                        appeared.Created ? CreatedKey(group) : key));
                    break;
                case GroupParticipantsChange participants:
                    events.Add(ParticipantsUpdate(notification, participants, key));
                    break;
                default:
                    if (UpdateFields(change) is { } fields)
                    {
                        events.Add(Update(notification, fields, key));
                    }
                    break;
            }
        }
        return events;
    }

    /// <summary>The <c>group.upsert</c> of a group we created through the API (same key as its create notification).</summary>
    public static GroupEventData Created(GroupMetadataView metadata, Jid? author) =>
        Upsert(metadata, author, author is { IsUserPn: true } ? author : null, CreatedKey(metadata.Id));

    private static string CreatedKey(string group) => $"{group}\ncreated";

    private static GroupEventData Upsert(GroupMetadataView metadata, Jid? author, Jid? authorPn, string key)
    {
        var item = JsonSerializer.SerializeToNode(metadata, Json)!.AsObject();
        item["author"] = author?.ToString();
        item["authorPn"] = authorPn?.ToString();
        return new GroupEventData(InstanceEventNames.GroupUpsert, new JsonArray(item).ToJsonString(), key);
    }

    private static GroupEventData ParticipantsUpdate(GroupNotification notification, GroupParticipantsChange change, string key)
    {
        var data = Author(notification);
        data.Insert(0, "id", notification.Group.ToString());
        data["action"] = GroupIqs.ActionTag(change.Action);
        if (change.IsLeave)
        {
            data["reason"] = "leave";
        }
        else if (change.Reason is { } reason)
        {
            data["reason"] = reason;
        }
        data["participants"] = JsonSerializer.SerializeToNode(change.Participants.Select(GroupViews.From).ToList(), Json);
        return new GroupEventData(InstanceEventNames.GroupParticipantUpdate, data.ToJsonString(), key);
    }

    private static GroupEventData Update(GroupNotification notification, JsonObject fields, string key)
    {
        var item = Author(notification);
        item.Insert(0, "id", notification.Group.ToString());
        foreach (var (name, value) in fields.ToList())
        {
            fields.Remove(name);
            item[name] = value;
        }
        return new GroupEventData(InstanceEventNames.GroupUpdate, new JsonArray(item).ToJsonString(), key);
    }

    /// <summary>The Baileys GroupMetadata fields a change sets; null for changes no event reports (a new invite code is a credential).</summary>
    private static JsonObject? UpdateFields(GroupChange change) => change switch
    {
        GroupSubjectChange subject => new JsonObject
        {
            ["subject"] = subject.Subject,
            ["subjectOwner"] = subject.Owner?.ToString(),
            ["subjectTime"] = subject.Time?.ToUnixTimeSeconds(),
        },
        GroupDescriptionChange description => new JsonObject { ["desc"] = description.Body, ["descId"] = description.Id },
        GroupSettingChange { Setting: GroupSetting.Announcement or GroupSetting.NotAnnouncement } setting =>
            new JsonObject { ["announce"] = setting.Setting == GroupSetting.Announcement },
        GroupSettingChange setting => new JsonObject { ["restrict"] = setting.Setting == GroupSetting.Locked },
        GroupEphemeralChange ephemeral => new JsonObject { ["ephemeralDuration"] = ephemeral.Seconds },
        GroupPictureChange picture => new JsonObject { ["pictureId"] = picture.PictureId, ["picture"] = picture.PictureId is null ? "removed" : "changed" },
        _ => null,
    };

    private static JsonObject Author(GroupNotification notification) => new()
    {
        ["author"] = notification.Author?.ToString(),
        ["authorPn"] = notification.AuthorPhoneNumber?.ToString(),
        ["authorLid"] = notification.AuthorLid?.ToString(),
    };
}

/// <summary>One group event ready for the outbox: its name, <c>data</c> JSON and the key its id is derived from.</summary>
[GenerateSerializer]
[Alias("CodeChat.GroupEventData")]
[Immutable]
public sealed record GroupEventData(
    [property: Id(0)] string Event,
    [property: Id(1)] string DataJson,
    [property: Id(2)] string Key);
