using CodeChat.Testing;

[assembly: AssemblyFixture(typeof(PostgresServerFixture))]
[assembly: AssemblyFixture(typeof(BaileysInteropPackages))]
