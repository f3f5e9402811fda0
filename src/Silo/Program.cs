using CodeChat.Api;
using CodeChat.Api.Cluster;
using CodeChat.Api.Errors;
using CodeChat.Grains;
using CodeChat.Secrets;
using CodeChat.Silo.Database;
using CodeChat.Silo.Hosting;
using CodeChat.Silo.Secrets;

namespace CodeChat.Silo;

/// <summary>
/// The whole product in one process: PostgreSQL (embedded unless ConnectionStrings:CodeChat is set),
/// an Orleans silo, and the REST API. Not static, so tests can use WebApplicationFactory&lt;Program&gt;.
/// </summary>
public partial class Program
{
    public const int DefaultHttpPort = 8084;
    public const string HttpPortKey = "CodeChat:Port";

    public static async Task<int> Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        if (string.IsNullOrWhiteSpace(builder.Configuration["urls"]))
        {
            var port = builder.Configuration.GetValue(HttpPortKey, DefaultHttpPort);
            builder.WebHost.UseUrls($"http://0.0.0.0:{port}");
        }

        builder.AddCodeChatDatabase();
        builder.AddCodeChatSecrets();
        builder.UseOrleans(silo => silo.UseCodeChatCluster());
        builder.Services.AddCodeChatGrains();
        builder.AddCodeChatApi();

        var app = builder.Build();
        app.MapCodeChatApi();
        app.Lifetime.ApplicationStarted.Register(() => LogStartup(app));

        try
        {
            await app.RunAsync();
            return 0;
        }
        catch (Exception ex) when (EmbeddedPostgresException.FindIn(ex) is { } databaseProblem)
        {
            // One line the operator can act on, instead of a stack trace.
            await Console.Error.WriteLineAsync($"CodeChat.NET cannot start: {databaseProblem.Message}");
            return 1;
        }
        catch (Exception ex) when (ExceptionChain.FindFirst<ClusterConfigurationException>(ex) is { } clusterProblem)
        {
            await Console.Error.WriteLineAsync($"CodeChat.NET cannot start: {clusterProblem.Message}");
            return 1;
        }
        catch (Exception ex) when (ExceptionChain.FindFirst<MasterKeyException>(ex) is { } masterKeyProblem)
        {
            await Console.Error.WriteLineAsync($"CodeChat.NET cannot start: {masterKeyProblem.Message}");
            return 1;
        }
    }

    private static void LogStartup(WebApplication app)
    {
        var database = app.Services.GetRequiredService<CodeChatDatabase>();
        var urls = app.Urls.Count > 0 ? string.Join(", ", app.Urls) : "(in-process test server)";
        app.Logger.LogInformation(
            "CodeChat.NET started: API on {Urls}, dashboard at {DashboardPath}, database {Database}",
            urls, CodeChatSiloHostingExtensions.DashboardPath, database.Describe());
    }
}
