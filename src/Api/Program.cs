using CodeChat.Api.Cluster;
using CodeChat.Api.Errors;
using CodeChat.Secrets;
using Microsoft.Extensions.Configuration.Memory;
using Npgsql;
using Orleans.Dashboard;

namespace CodeChat.Api;

/// <summary>
/// Stand-alone API front end: an Orleans client of a cluster that silos (src/Silo) run, found
/// through the ADO.NET membership table in PostgreSQL (ConnectionStrings:CodeChat), with the same
/// <c>Orleans</c> settings as the silos (<see cref="CodeChatClusterOptions"/>), TLS included.
/// </summary>
public partial class Program
{
    public static async Task<int> Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        // The silo's appsettings.json quiets per-request and Orleans chatter; this host has no
        // appsettings of its own (it would clash with the silo's in the silo's output), so the
        // same defaults go in at the lowest precedence, below every file, variable and argument.
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?>
            {
                ["Logging:LogLevel:Default"] = "Information",
                ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
                ["Logging:LogLevel:Orleans"] = "Warning",
            },
        });
        var connectionString = builder.Configuration.GetConnectionString("CodeChat");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                "ConnectionStrings:CodeChat is required (env ConnectionStrings__CodeChat): the API host finds the " +
                "silos through the cluster membership table in that PostgreSQL database.");
        }

        var masterKey = builder.Configuration[MasterKey.ConfigurationKey];
        if (string.IsNullOrWhiteSpace(masterKey))
        {
            throw new InvalidOperationException(
                $"{MasterKey.ConfigurationKey} is required (env Security__MasterKey): the same master key as the silos', " +
                "which opens the key ring that encrypts the stored secrets.");
        }

        builder.Services.AddSingleton(NpgsqlDataSource.Create(connectionString));
        builder.Services.AddCodeChatDataProtection(_ => MasterKey.FromText(masterKey));
        builder.Services.AddHostedService<KeyRingStartupCheck>();
        builder.UseOrleansClient(client =>
        {
            client.UseCodeChatCluster(connectionString);
            client.AddDashboard();
        });
        builder.AddCodeChatApi();

        var app = builder.Build();
        app.MapCodeChatApi();
        try
        {
            await app.RunAsync();
            return 0;
        }
        catch (Exception ex) when (ExceptionChain.FindFirst<ClusterConfigurationException>(ex) is { } clusterProblem)
        {
            // One line the operator can act on, instead of a stack trace.
            await Console.Error.WriteLineAsync($"CodeChat.NET API cannot start: {clusterProblem.Message}");
            return 1;
        }
        catch (Exception ex) when (ExceptionChain.FindFirst<MasterKeyException>(ex) is { } masterKeyProblem)
        {
            await Console.Error.WriteLineAsync($"CodeChat.NET API cannot start: {masterKeyProblem.Message}");
            return 1;
        }
    }
}
