using System.Globalization;
using System.Text;

namespace CodeChat.Grains.Abstractions.Events;

/// <summary>
/// One row of the instance event outbox. <see cref="Id"/> is the stable event id (the same on every
/// delivery attempt); <see cref="Sequence"/> grows by one per event of the instance, starting at 1.
/// <see cref="DataJson"/> is the envelope's <c>data</c>, verbatim. <see cref="object.ToString"/> leaves
/// out the data (it may hold QR or pairing codes and message text) and the owner's number, because
/// records travel in grain calls and a log line about a call may print its arguments; the members it
/// prints are listed by hand, so a new one stays out of logs until someone decides it may be shown.
/// </summary>
[GenerateSerializer]
[Alias("CodeChat.InstanceEventRecord")]
[Immutable]
public sealed record InstanceEventRecord(
    [property: Id(0)] Guid Id,
    [property: Id(1)] string InstanceName,
    [property: Id(2)] long Sequence,
    [property: Id(3)] long InstanceId,
    [property: Id(4)] string? OwnerJid,
    [property: Id(5)] string Event,
    [property: Id(6)] string DataJson,
    [property: Id(7)] DateTimeOffset CreatedAt)
{
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append(CultureInfo.InvariantCulture,
            $"Id = {Id}, InstanceName = {InstanceName}, Sequence = {Sequence}, InstanceId = {InstanceId}, Event = {Event}, CreatedAt = {CreatedAt:O}");
        return true;
    }
}
