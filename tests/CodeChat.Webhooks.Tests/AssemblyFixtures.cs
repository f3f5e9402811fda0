using CodeChat.Testing;

[assembly: AssemblyFixture(typeof(PostgresServerFixture))]
