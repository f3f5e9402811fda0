namespace CodeChat.Silo;

public static class Program
{
    public static void Main(string[] args) => Console.WriteLine("CodeChat.NET silo");
}
