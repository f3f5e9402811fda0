using CodeChat.Silo.Database;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace CodeChat.Hosting.Tests;

public sealed class ConnectionPoolBoundsTests
{
    [Fact]
    public void A_connection_string_without_pool_settings_gets_the_bounds()
    {
        var bounded = new NpgsqlConnectionStringBuilder(ConnectionPoolBounds.Apply("Host=db;Username=u;Password=p;Database=codechat"));

        Assert.Equal(ConnectionPoolBounds.MaxPoolSize, bounded.MaxPoolSize);
        Assert.Equal(ConnectionPoolBounds.ConnectionIdleLifetimeSeconds, bounded.ConnectionIdleLifetime);
        Assert.Equal("db", bounded.Host);
        Assert.Equal("p", bounded.Password);
    }

    [Theory]
    [InlineData("Maximum Pool Size=100;Connection Idle Lifetime=300")]
    [InlineData("MaxPoolSize=100;ConnectionIdleLifetime=300")]
    [InlineData("maximum pool size=100;connection idle lifetime=300")]
    public void Settings_the_operator_gave_win(string poolSettings)
    {
        var bounded = new NpgsqlConnectionStringBuilder(ConnectionPoolBounds.Apply("Host=db;Database=codechat;" + poolSettings));

        Assert.Equal(100, bounded.MaxPoolSize);
        Assert.Equal(300, bounded.ConnectionIdleLifetime);
    }

    [Fact]
    public async Task The_external_database_connection_string_is_bounded()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:CodeChat"] = "Host=db;Database=codechat" })
            .Build();
        await using var database = new CodeChatDatabase(configuration, NullLoggerFactory.Instance);

        Assert.Equal(ConnectionPoolBounds.MaxPoolSize, new NpgsqlConnectionStringBuilder(database.ConnectionString).MaxPoolSize);
    }
}
