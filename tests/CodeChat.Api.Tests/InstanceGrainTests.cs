using System.Security.Cryptography;
using System.Text;
using CodeChat.Grains.Abstractions.Instances;

namespace CodeChat.Api.Tests;

public sealed class InstanceGrainTests(InstanceGrainClusterFixture fixture) : IClassFixture<InstanceGrainClusterFixture>
{
    private IGrainFactory Grains => fixture.Cluster.Client;

    private static InstanceTokenCredential Token(string text) =>
        new(Guid.NewGuid().ToString("N"), SHA256.HashData(Encoding.UTF8.GetBytes(text)), "protected:" + text);

    private static string UniqueName() => "grain-" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task Create_then_get_returns_the_record_and_the_registry_lists_it()
    {
        var name = UniqueName();
        var created = await Grains.GetGrain<IInstanceGrain>(name).CreateAsync(
            new CreateInstanceCommand("desc", """{"a":1}""", Token("t1")), TestContext.Current.CancellationToken);

        Assert.Equal(InstanceCommandOutcome.Succeeded, created.Outcome);
        Assert.True(created.Instance!.Id > 0);
        Assert.Equal(InstanceConnectionStatus.Offline, created.Instance.ConnectionStatus);

        var fetched = await Grains.GetGrain<IInstanceGrain>(name).GetAsync(TestContext.Current.CancellationToken);
        Assert.Equal(created.Instance, fetched);

        var listed = await Grains.GetGrain<IInstanceDirectoryGrain>(0).ListAsync(name, TestContext.Current.CancellationToken);
        var row = Assert.Single(listed);
        Assert.Equal(created.Instance, row);
    }

    [Fact]
    public async Task A_second_create_with_the_same_name_is_refused_as_already_existing_while_it_has_no_session()
    {
        var name = UniqueName();
        var grain = Grains.GetGrain<IInstanceGrain>(name);
        await grain.CreateAsync(new CreateInstanceCommand(null, null, Token("a")), TestContext.Current.CancellationToken);

        var second = await grain.CreateAsync(new CreateInstanceCommand(null, null, Token("b")), TestContext.Current.CancellationToken);

        Assert.Equal(InstanceCommandOutcome.AlreadyExists, second.Outcome);
    }

    [Fact]
    public async Task Token_check_accepts_only_the_current_token_and_rotation_revokes_the_old_one()
    {
        var name = UniqueName();
        var grain = Grains.GetGrain<IInstanceGrain>(name);
        var first = Token("first");
        await grain.CreateAsync(new CreateInstanceCommand(null, null, first), TestContext.Current.CancellationToken);
        var ct = TestContext.Current.CancellationToken;

        Assert.True(await grain.IsCurrentTokenAsync(first.TokenId, first.TokenSha256, ct));
        Assert.False(await grain.IsCurrentTokenAsync(first.TokenId, Token("forged").TokenSha256, ct));

        var second = Token("second");
        Assert.Equal(InstanceCommandOutcome.TokenMismatch, (await grain.RotateTokenAsync("not-the-id", second, ct)).Outcome);
        Assert.Equal(InstanceCommandOutcome.Succeeded, (await grain.RotateTokenAsync(first.TokenId, second, ct)).Outcome);

        Assert.False(await grain.IsCurrentTokenAsync(first.TokenId, first.TokenSha256, ct));
        Assert.True(await grain.IsCurrentTokenAsync(second.TokenId, second.TokenSha256, ct));
    }

    [Fact]
    public async Task Delete_returns_the_record_and_removes_it_everywhere()
    {
        var name = UniqueName();
        var grain = Grains.GetGrain<IInstanceGrain>(name);
        var ct = TestContext.Current.CancellationToken;
        var token = Token("t");
        await grain.CreateAsync(new CreateInstanceCommand("d", null, token), ct);

        var deleted = await grain.DeleteAsync(force: false, ct);

        Assert.Equal(InstanceCommandOutcome.Succeeded, deleted.Outcome);
        Assert.NotNull(deleted.Instance!.DeletedAt);
        Assert.Null(await grain.GetAsync(ct));
        Assert.False(await grain.IsCurrentTokenAsync(token.TokenId, token.TokenSha256, ct));
        Assert.Empty(await Grains.GetGrain<IInstanceDirectoryGrain>(0).ListAsync(name, ct));
        Assert.Equal(InstanceCommandOutcome.NotFound, (await grain.DeleteAsync(force: false, ct)).Outcome);
    }

    [Fact]
    public async Task Update_changes_description_and_attributes_and_leaves_missing_fields_alone()
    {
        var name = UniqueName();
        var grain = Grains.GetGrain<IInstanceGrain>(name);
        var ct = TestContext.Current.CancellationToken;
        await grain.CreateAsync(new CreateInstanceCommand("old", """{"x":1}""", Token("t")), ct);

        var updated = await grain.UpdateAsync(new UpdateInstanceCommand("new", null), ct);

        Assert.Equal("new", updated.Instance!.Description);
        Assert.Equal("""{"x":1}""", updated.Instance.ExternalAttributesJson);
        var row = Assert.Single(await Grains.GetGrain<IInstanceDirectoryGrain>(0).ListAsync(name, ct));
        Assert.Equal("new", row.Description);
        Assert.Equal(InstanceCommandOutcome.NotFound, (await Grains.GetGrain<IInstanceGrain>(UniqueName()).UpdateAsync(new UpdateInstanceCommand("x", null), ct)).Outcome);
    }
}
