using Microsoft.Extensions.Logging;

namespace Tino.Samples.QuickStart.CSharp;

/// <summary>A service contract: each method is a command (<c>greet</c>, <c>visits</c>).</summary>
public interface IGreeter
{
    /// <summary>Greets someone.</summary>
    string Greet(string name);

    /// <summary>How many greetings this server has given.</summary>
    Task<int> VisitsAsync();
}

/// <summary>The greeter, a singleton with a logger from the container.</summary>
public sealed partial class Greeter(ILogger<Greeter> logger) : IGreeter
{
    private int _visits;

    /// <inheritdoc />
    public string Greet(string name)
    {
        Greeted(logger, name);
        Interlocked.Increment(ref _visits);
        return $"hello {name}";
    }

    /// <inheritdoc />
    public Task<int> VisitsAsync() => Task.FromResult(Volatile.Read(ref _visits));

    [LoggerMessage(Level = LogLevel.Information, Message = "Greeted {Name}")]
    private static partial void Greeted(ILogger logger, string name);
}
