namespace CodeChat.Api;

public static class Program
{
    public static void Main(string[] args) => Console.WriteLine("CodeChat.NET API host");
}
