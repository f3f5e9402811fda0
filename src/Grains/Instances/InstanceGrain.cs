using System.Security.Cryptography;
using CodeChat.Grains.Abstractions.Instances;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace CodeChat.Grains.Instances;

/// <summary>
/// One instance, keyed by its name. Persists its record first and then projects it into the
/// registry table; activation re-projects an existing record so a failed projection heals.
/// </summary>
[GrainType("instance")]
public sealed partial class InstanceGrain(
    [PersistentState("instance", "Default")] IPersistentState<InstanceState> state,
    InstanceRegistry registry,
    TimeProvider timeProvider,
    ILogger<InstanceGrain> logger) : Grain, IInstanceGrain
{
    private string Name => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.Exists)
            await registry.UpsertAsync(Snapshot(), cancellationToken);
    }

    public async Task<InstanceCommandResult> CreateAsync(CreateInstanceCommand command, CancellationToken cancellationToken = default)
    {
        if (state.State.Exists)
            return InstanceCommandResult.Of(InstanceCommandOutcome.NameInUse);

        var now = Now();
        var id = await registry.NextInstanceIdAsync(cancellationToken);
        state.State = new InstanceState
        {
            Id = id,
            Description = command.Description,
            ExternalAttributesJson = command.ExternalAttributesJson,
            TokenId = command.Token.TokenId,
            TokenSha256 = command.Token.TokenSha256,
            TokenCreatedAt = now,
            TokenUpdatedAt = now,
            CreatedAt = now,
            UpdatedAt = now,
        };
        await SaveAsync(cancellationToken);
        LogCreated(Name, id);
        return new InstanceCommandResult(InstanceCommandOutcome.Succeeded, Snapshot());
    }

    public Task<InstanceSnapshot?> GetAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(state.State.Exists ? Snapshot() : null);

    public async Task<InstanceCommandResult> UpdateAsync(UpdateInstanceCommand command, CancellationToken cancellationToken = default)
    {
        if (!state.State.Exists)
            return InstanceCommandResult.Of(InstanceCommandOutcome.NotFound);

        if (command.Description is not null)
            state.State.Description = command.Description;
        if (command.ExternalAttributesJson is not null)
            state.State.ExternalAttributesJson = command.ExternalAttributesJson;
        state.State.UpdatedAt = Now();
        await SaveAsync(cancellationToken);
        return new InstanceCommandResult(InstanceCommandOutcome.Succeeded, Snapshot());
    }

    public async Task<InstanceCommandResult> DeleteAsync(bool force, CancellationToken cancellationToken = default)
    {
        if (!state.State.Exists)
            return InstanceCommandResult.Of(InstanceCommandOutcome.NotFound);
        if (state.State.ActualConnectionState == InstanceConnectionState.Open)
            return InstanceCommandResult.Of(InstanceCommandOutcome.StillConnected);

        // `force` matters once messages, chats and webhooks hang off an instance; none do yet.
        var deleted = Snapshot() with { DeletedAt = Now() };
        // Registry first: if clearing the state then fails, the next activation re-projects it.
        await registry.DeleteAsync(Name, cancellationToken);
        await state.ClearStateAsync();
        state.State = new InstanceState();
        LogDeleted(Name, deleted.Id);
        DeactivateOnIdle();
        return new InstanceCommandResult(InstanceCommandOutcome.Succeeded, deleted);
    }

    public async Task<InstanceCommandResult> RotateTokenAsync(
        string presentedTokenId, InstanceTokenCredential replacement, CancellationToken cancellationToken = default)
    {
        if (!state.State.Exists)
            return InstanceCommandResult.Of(InstanceCommandOutcome.NotFound);
        if (!string.Equals(presentedTokenId, state.State.TokenId, StringComparison.Ordinal))
            return InstanceCommandResult.Of(InstanceCommandOutcome.TokenMismatch);

        var now = Now();
        state.State.TokenId = replacement.TokenId;
        state.State.TokenSha256 = replacement.TokenSha256;
        state.State.TokenUpdatedAt = now;
        state.State.UpdatedAt = now;
        await SaveAsync(cancellationToken);
        LogTokenRotated(Name);
        return new InstanceCommandResult(InstanceCommandOutcome.Succeeded, Snapshot());
    }

    public Task<bool> IsCurrentTokenAsync(string tokenId, byte[] tokenSha256, CancellationToken cancellationToken = default)
    {
        var current = state.State;
        var matches = current.Exists
            && string.Equals(tokenId, current.TokenId, StringComparison.Ordinal)
            && CryptographicOperations.FixedTimeEquals(tokenSha256, current.TokenSha256);
        return Task.FromResult(matches);
    }

    private async Task SaveAsync(CancellationToken cancellationToken)
    {
        await state.WriteStateAsync();
        await registry.UpsertAsync(Snapshot(), cancellationToken);
    }

    private InstanceSnapshot Snapshot()
    {
        var current = state.State;
        return new InstanceSnapshot
        {
            Id = current.Id,
            Name = Name,
            Description = current.Description,
            ExternalAttributesJson = current.ExternalAttributesJson,
            ConnectionStatus = current.ActualConnectionState == InstanceConnectionState.Open
                ? InstanceConnectionStatus.Online
                : InstanceConnectionStatus.Offline,
            OwnerJid = current.OwnerJid,
            ProfilePicUrl = current.ProfilePicUrl,
            TokenId = current.TokenId,
            TokenCreatedAt = current.TokenCreatedAt,
            TokenUpdatedAt = current.TokenUpdatedAt,
            CreatedAt = current.CreatedAt,
            UpdatedAt = current.UpdatedAt,
        };
    }

    /// <summary>Now, cut to the microsecond PostgreSQL keeps, so the record and its projection agree.</summary>
    private DateTimeOffset Now()
    {
        var now = timeProvider.GetUtcNow();
        return new DateTimeOffset(now.Ticks - now.Ticks % 10, TimeSpan.Zero);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Instance {InstanceName} created with id {InstanceId}")]
    private partial void LogCreated(string instanceName, long instanceId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Instance {InstanceName} (id {InstanceId}) deleted")]
    private partial void LogDeleted(string instanceName, long instanceId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Instance {InstanceName} token rotated")]
    private partial void LogTokenRotated(string instanceName);
}
