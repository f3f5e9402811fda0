using CodeChat.Testing;

[assembly: AssemblyFixture(typeof(BaileysInteropPackages))]
