using CodeChat.Api;
using CodeChat.Secrets;
using Microsoft.Extensions.Configuration.Memory;
using Npgsql;
using Orleans.Configuration;
using Orleans.Dashboard;

namespace CodeChat.Api;

/// <summary>
/// Stand-alone API front end: an Orleans client of a cluster that silos (src/Silo) run, found
/// through the ADO.NET membership table in PostgreSQL (ConnectionStrings:CodeChat).
/// </summary>
public partial class Program
{
    public static async Task Main(string[] args)
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
            // Same keys and defaults as the silo (src/Silo/Hosting/CodeChatSiloHostingExtensions.cs).
            client.Configure<ClusterOptions>(options =>
            {
                options.ClusterId = builder.Configuration["Orleans:ClusterId"] is { Length: > 0 } clusterId ? clusterId : "codechat";
                options.ServiceId = builder.Configuration["Orleans:ServiceId"] is { Length: > 0 } serviceId ? serviceId : "codechat";
            });
            client.UseAdoNetClustering(options =>
            {
                options.Invariant = "Npgsql";
                options.ConnectionString = connectionString;
            });
            client.AddDashboard();
        });
        builder.AddCodeChatApi();

        var app = builder.Build();
        app.MapCodeChatApi();
        await app.RunAsync();
    }
}
