using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace CodeChat.WaEmulator;

/// <summary>The HTTP face of the test API, for harnesses that do not run in-process.</summary>
internal static class ControlApi
{
    public static void Map(WebApplication app, Emulator emulator)
    {
        var api = app.MapGroup("/_emulator");
        api.MapGet("/connections", () => Results.Ok(emulator.Connections));
        api.MapPost("/drop-connections", async () =>
        {
            await emulator.DropAllConnectionsAsync();
            return Results.NoContent();
        });
    }
}
