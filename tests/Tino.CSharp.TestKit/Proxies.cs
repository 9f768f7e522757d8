using MessagePack;
using Tino.Client;

namespace Tino.CSharp.TestKit;

/// <summary>
/// A contract that a server implements (MapService) and a client proxies (CreateProxy): every result shape a proxy
/// supports, a token, magic parameters the proxy does not send, a renamed method, records and arrays.
/// </summary>
public interface IShapes
{
    /// <summary>Task of a value.</summary>
    Task<long> AddAsync(int a, int b);

    /// <summary>ValueTask of a value.</summary>
    ValueTask<long> SubtractAsync(long a, long b);

    /// <summary>Task: for its effect.</summary>
    Task RememberAsync(string text);

    /// <summary>ValueTask: for its effect.</summary>
    ValueTask ForgetAsync();

    /// <summary>A nullable result: nil until something is remembered.</summary>
    Task<string?> RecallAsync();

    /// <summary>A record in, a record out.</summary>
    Task<Person> OlderAsync(Person person, int years);

    /// <summary>Arrays, bools and floats.</summary>
    ValueTask<double[]> ScaleAsync(double[] values, double factor, bool negate);

    /// <summary>Bytes both ways.</summary>
    Task<byte[]> ReverseAsync(byte[] bytes);

    /// <summary>A token: given to the call by the proxy, to the handler by the server.</summary>
    ValueTask<int> SleepAsync(int ms, CancellationToken cancellation);

    /// <summary>A magic parameter: filled by the server, not sent by the proxy.</summary>
    Task<string> WhoAmIAsync(AuthRequired<string> auth);

    /// <summary>Connection state, also not sent; between two wire arguments.</summary>
    ValueTask<string> CountAsync(string prefix, ConnState<int> calls, string suffix);

    /// <summary>A name given by attribute.</summary>
    [CommandName("shapes.renamed")]
    Task<string> RenamedAsync();
}

/// <summary>A contract that extends another: the proxy implements both.</summary>
public interface IMoreShapes : IShapes
{
    /// <summary>echo_text</summary>
    Task<string> EchoTextAsync(string text);
}

/// <summary>The server's side of <see cref="IMoreShapes"/>.</summary>
public sealed class ShapesService : IMoreShapes
{
    private string? _remembered;

    /// <inheritdoc />
    public Task<long> AddAsync(int a, int b) => Task.FromResult((long)a + b);

    /// <inheritdoc />
    public ValueTask<long> SubtractAsync(long a, long b) => ValueTask.FromResult(a - b);

    /// <inheritdoc />
    public Task RememberAsync(string text)
    {
        _remembered = text;
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask ForgetAsync()
    {
        _remembered = null;
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public Task<string?> RecallAsync() => Task.FromResult(_remembered);

    /// <inheritdoc />
    public Task<Person> OlderAsync(Person person, int years) => Task.FromResult(person with { Age = person.Age + years });

    /// <inheritdoc />
    public ValueTask<double[]> ScaleAsync(double[] values, double factor, bool negate) =>
        ValueTask.FromResult(values.Select(v => (negate ? -v : v) * factor).ToArray());

    /// <inheritdoc />
    public Task<byte[]> ReverseAsync(byte[] bytes) => Task.FromResult(bytes.Reverse().ToArray());

    /// <inheritdoc />
    public async ValueTask<int> SleepAsync(int ms, CancellationToken cancellation)
    {
        await Task.Delay(ms, cancellation);
        return ms;
    }

    /// <inheritdoc />
    public Task<string> WhoAmIAsync(AuthRequired<string> auth) => Task.FromResult(auth.Value);

    /// <inheritdoc />
    public ValueTask<string> CountAsync(string prefix, ConnState<int> calls, string suffix) => ValueTask.FromResult($"{prefix}{++calls.Value}{suffix}");

    /// <inheritdoc />
    public Task<string> RenamedAsync() => Task.FromResult("renamed");

    /// <inheritdoc />
    public Task<string> EchoTextAsync(string text) => Task.FromResult(text);
}

/// <summary>A note as the interop servers take it.</summary>
public sealed record NoteInput(string Text, bool Completed);

/// <summary>A note as the interop servers store it.</summary>
public sealed record Note(int Id, string Text, bool Completed);

/// <summary>A shape as the interop servers take it: <c>[0, {"radius": r}]</c> or <c>[1, {"width": w, "height": h}]</c>.</summary>
[Union(0, typeof(Circle))]
[Union(1, typeof(Rect))]
public abstract record Shape;

/// <summary>Case 0.</summary>
public sealed record Circle(double Radius) : Shape;

/// <summary>Case 1.</summary>
public sealed record Rect(double Width, double Height) : Shape;

/// <summary>The interop command surface (docs/interop-server.md) as a client contract, for either interop server.</summary>
public interface IInterop
{
    /// <summary>add</summary>
    Task<long> AddAsync(int a, int b);

    /// <summary>echo_value</summary>
    ValueTask<object?> EchoValueAsync(object? v);

    /// <summary>concat</summary>
    Task<string> ConcatAsync(IReadOnlyList<string> parts);

    /// <summary>create_note</summary>
    Task<Note> CreateNoteAsync(NoteInput note);

    /// <summary>read_notes</summary>
    ValueTask<Note[]> ReadNotesAsync();

    /// <summary>get_note</summary>
    Task<Note?> GetNoteAsync(int id);

    /// <summary>whoami</summary>
    Task<string> WhoamiAsync();

    /// <summary>maybe_whoami</summary>
    ValueTask<string?> MaybeWhoamiAsync();

    /// <summary>counter</summary>
    Task<int> CounterAsync();

    /// <summary>fail</summary>
    Task FailAsync(string code, string message);

    /// <summary>crash</summary>
    ValueTask CrashAsync();

    /// <summary>sleep</summary>
    Task<int> SleepAsync(int ms, CancellationToken cancellation);

    /// <summary>blob</summary>
    Task<byte[]> BlobAsync(int n);

    /// <summary>blob_len</summary>
    ValueTask<int> BlobLenAsync(byte[] b);

    /// <summary>echo_bin</summary>
    Task<byte[]> EchoBinAsync(byte[] b);

    /// <summary>shape_name</summary>
    Task<string> ShapeNameAsync(Shape s);

    /// <summary>range: a stream command, read item by item.</summary>
    IAsyncEnumerable<int> Range(int n);

    /// <summary>range again (the name drops Async), with a token that ends the enumeration.</summary>
    IAsyncEnumerable<int> RangeAsync(int n, CancellationToken cancellation);
}

/// <summary>Reading a proxy's stream as C# code does, with <c>await foreach</c>.</summary>
public static class StreamReading
{
    /// <summary>Reads at most <paramref name="count"/> items, leaving the loop with <c>break</c> (which sends CLOSE).</summary>
    public static async Task<List<T>> TakeAsync<T>(IAsyncEnumerable<T> stream, int count)
    {
        var items = new List<T>();
        if (count <= 0)
        {
            return items;
        }
        await foreach (var item in stream)
        {
            items.Add(item);
            if (items.Count == count)
            {
                break;
            }
        }
        return items;
    }

    /// <summary>Reads every item.</summary>
    public static Task<List<T>> AllAsync<T>(IAsyncEnumerable<T> stream) => TakeAsync(stream, int.MaxValue);
}

/// <summary>Calls the interop servers refuse, one per kind of error reply.</summary>
public interface IMistakes
{
    /// <summary>INVALID_COMMAND.</summary>
    [CommandName("nope")]
    Task<int> MissingAsync();

    /// <summary>NUM_ARG_MISMATCH.</summary>
    [CommandName("add")]
    Task<long> AddOneAsync(int a);

    /// <summary>VALIDATION_ERROR at ["command", "a"].</summary>
    [CommandName("add")]
    ValueTask<long> AddTextAsync(string a, int b);
}

/// <summary>Contracts a proxy cannot be made of, by what is wrong with them.</summary>
public static class NotProxies
{
    /// <summary>A method that does not return a task.</summary>
    public interface ISynchronous
    {
        /// <summary>Synchronous.</summary>
        long Add(int a, int b);
    }

    /// <summary>A ref parameter.</summary>
    public interface IByRef
    {
        /// <summary>By reference.</summary>
        Task<long> AddAsync(ref int a);
    }

    /// <summary>A property.</summary>
    public interface IWithProperty
    {
        /// <summary>Not a call.</summary>
        int Value { get; }
    }

    /// <summary>Not an interface.</summary>
    public abstract class NotAnInterface
    {
        /// <summary>Abstract.</summary>
        public abstract Task<long> AddAsync(int a, int b);
    }

    /// <summary>Each mistake with the proxy it fails to make.</summary>
    public static IReadOnlyList<(string Mistake, Action<TinoClient> Create)> All { get; } =
    [
        ("a synchronous method", client => client.CreateProxy<ISynchronous>()),
        ("a ref parameter", client => client.CreateProxy<IByRef>()),
        ("a property", client => client.CreateProxy<IWithProperty>()),
        ("a class", client => client.CreateProxy<NotAnInterface>()),
    ];
}

/// <summary>An internal contract with an internal record: the proxy's assembly is let in.</summary>
internal interface IInternalAdder
{
    Task<long> AddPairAsync(Pair pair);
}

/// <summary>An internal record on the wire.</summary>
internal sealed record Pair(int A, int B);

/// <summary>Apps and calls for the proxy tests.</summary>
public static class ProxyApps
{
    /// <summary>An app serving <see cref="IMoreShapes"/>, with auth and an int per connection, plus <c>add_pair</c>.</summary>
    public static TinoApp Shapes() =>
        TinoApp.CreateBuilder()
            .UseAuth(Handlers.Authenticate)
            .UseConnectionState(() => 0)
            .MapService<IMoreShapes>(new ShapesService())
            .Command("add_pair", (Pair pair) => (long)pair.A + pair.B)
            .Build();

    /// <summary>A proxy of <see cref="IMoreShapes"/> made here, in C#, where Tino.Generators writes its class (F# calls get the emitted one).</summary>
    public static IMoreShapes GeneratedMoreShapes(ITinoClient client) => client.CreateProxy<IMoreShapes>();

    /// <summary>Calls <c>add_pair</c> through a proxy of an internal interface whose parameter is an internal record.</summary>
    public static Task<long> AddThroughInternalContract(TinoClient client, int a, int b) =>
        client.CreateProxy<IInternalAdder>().AddPairAsync(new Pair(a, b));
}
