using CodeChat.WaEmulator.Tests.Baileys;

[assembly: AssemblyFixture(typeof(InteropPackages))]
