using System.ComponentModel;
using System.Runtime.Serialization;
using MessagePack;
using Tino.Serialization;

namespace Tino.CSharp.TestKit;

/// <summary>
/// Every handler shape of the fluent builder, each written inline in a <c>Command</c> or <c>MapService</c> call so that
/// Tino.Generators binds it at compile time, with the wire types the generator writes formatters for. The tests
/// compare this app with the same handlers bound by reflection.
/// </summary>
public static class GeneratedShapes
{
    /// <summary>The app, bound by the generated code.</summary>
    public static TinoApp App() =>
        TinoApp.CreateBuilder()
            .UseAuth(Handlers.Authenticate)
            .UseConnectionState(() => 0)
            .Command("add", (int a, int b) => (long)a + b)
            .Command("void", (int n) => { Handlers.Join([n.ToString(System.Globalization.CultureInfo.InvariantCulture)]); })
            .Command("task", async (int n) => await Task.Delay(n))
            .Command("task_of", async (int a, int b) => { await Task.Yield(); return a * b; })
            .Command("value_task", (int n) => ValueTask.CompletedTask)
            .Command("value_task_of", (string s) => new ValueTask<int>(s.Length))
            .Command("static_method", Handlers.Join)
            .Command("instance_method", new Handlers.Greeter("hello").Greet)
            .Command("nullable", (string? s, int? n) => $"{s ?? "nil"}/{n?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "nil"}")
            .Command("maybe_name", MaybeName)
            .Command("magic_anywhere", (int a, AuthRequired<string> who, ConnState<int> calls, string suffix, CancellationToken cancellation, Auth<string> maybe) =>
                $"{who.Value}:{++calls.Value}:{a}{suffix}:{maybe.HasValue}:{cancellation.CanBeCanceled}")
            .Command("publish", (string channel, object? value, Publisher events) => events.Publish(channel, value))
            .Command("context", (CallContext call) => call.Deadline.HasValue)
            .Command("echo_item", (Item item) => item)
            .Command("echo_settable", (Settable value) => value)
            .Command("echo_init_only", (InitOnly value) => value)
            .Command("echo_points", (Point[] points, List<MutablePoint> mutable) => points.Length + mutable.Count)
            .Command("echo_page", (Page<Item> page) => page)
            .Command("echo_derived", (Derived value) => value)
            .Command("echo_wide", (Wide value) => value)
            .Command("echo_defaults", (Defaults value) => value)
            .Command("figure_area", (Figure figure) => figure.Area)
            .Command("figures", (int n) => Enumerable.Range(1, n).Select(i => (Figure)new Square(i)).ToArray())
            .Command("priorities", (Dictionary<string, Priority> byName, IReadOnlyList<Big> bigs) => byName.Count + bigs.Count)
            .Command("stream_items", (int n) => Items(n))
            .Command("stream_task", async (int n) => { await Task.Yield(); return Items(n); })
            .MapService<IShapeService>(new ShapeService())
            .Build();

    /// <summary>The same handlers bound by reflection: the app's records without their generated binders.</summary>
    public static TinoApp ReflectionApp()
    {
        var app = App();
        return app with { Commands = [.. app.Commands.Select(command => command with { Binder = null })] };
    }

    /// <summary>A method, so its nullable result is annotated.</summary>
    [Description("The name, if any.")]
    [Idempotent]
    private static string? MaybeName(Auth<string> auth) => auth.HasValue ? auth.Value : null;

    private static async IAsyncEnumerable<Item> Items(int n)
    {
        for (var i = 0; i < n; i++)
        {
            await Task.Yield();
            yield return Item.Sample(i);
        }
    }
}

/// <summary>A service whose methods take and return the shapes below.</summary>
public interface IShapeService
{
    /// <summary>Stores an item and returns it.</summary>
    Item Save(Item item);

    /// <summary>A page of items.</summary>
    [Idempotent]
    Task<Page<Item>> ListAsync(int count);

    /// <summary>The items, one at a time.</summary>
    IAsyncEnumerable<Item> Watch(int count);

    /// <summary>Renamed.</summary>
    [CommandName("find")]
    ValueTask<Item?> FindItemAsync(int id);
}

/// <summary>The service, in memory.</summary>
public sealed class ShapeService : IShapeService
{
    /// <inheritdoc/>
    public Item Save(Item item) => item;

    /// <inheritdoc/>
    public Task<Page<Item>> ListAsync(int count) => Task.FromResult(new Page<Item>([.. Enumerable.Range(0, count).Select(Item.Sample)], count));

    /// <inheritdoc/>
    public async IAsyncEnumerable<Item> Watch(int count)
    {
        for (var i = 0; i < count; i++)
        {
            await Task.Yield();
            yield return Item.Sample(i);
        }
    }

    /// <inheritdoc/>
    public ValueTask<Item?> FindItemAsync(int id) => new(id > 0 ? Item.Sample(id) : null);
}

/// <summary>An enum of one byte.</summary>
public enum Priority : byte
{
    /// <summary>Low.</summary>
    Low = 1,
    /// <summary>High.</summary>
    High = 200,
}

/// <summary>An enum of 64 bits.</summary>
public enum Big : long
{
    /// <summary>The least.</summary>
    Min = long.MinValue,
    /// <summary>The most.</summary>
    Max = long.MaxValue,
}

/// <summary>A positional record of many member kinds, renamed by the assembly's camelCase policy.</summary>
public sealed record Item(int Id, string Name, string? Note, Priority Priority, DateTime At, double Score, List<string> Tags, Dictionary<string, int> Counts, int? Rank, byte[] Data, Guid Key, decimal Price = 1.5m)
{
    /// <summary>A sample item.</summary>
    public static Item Sample(int i) =>
        new(i, $"item {i}", i % 2 == 0 ? null : "odd", Priority.High, new DateTime(2026, 12, 4, 0, 0, i % 60, DateTimeKind.Utc), i + 0.5,
            ["a", "b"], new() { ["x"] = i }, i % 3 == 0 ? null : i, [1, 2, 3], new Guid(i, 0, 0, new byte[8]), i);
}

/// <summary>A class of settable members, a field, an ignored member and a computed one.</summary>
public sealed class Settable
{
    /// <summary>A settable property with an initial value.</summary>
    public string Name { get; set; } = "unnamed";

    /// <summary>A settable value.</summary>
    public int Count { get; set; }

    /// <summary>A public field.</summary>
    public string? Extra;

    /// <summary>Never on the wire.</summary>
    [IgnoreMember]
    public int Ignored { get; set; }

    /// <summary>Written, never read.</summary>
    public int Twice => Count * 2;
}

/// <summary>Init-only and required members, renamed one by one.</summary>
public sealed record InitOnly
{
    /// <summary>Required.</summary>
    [DataMember(Name = "full_name")]
    public required string Name { get; init; }

    /// <summary>Init-only, with a default.</summary>
    [Key("years")]
    public int Age { get; init; } = 7;
}

/// <summary>A positional record struct.</summary>
public readonly record struct Point(int X, int Y);

/// <summary>A mutable struct of fields, named as declared.</summary>
[WireNaming(WireNaming.AsDeclared)]
public struct MutablePoint
{
    /// <summary>X.</summary>
    public int X;

    /// <summary>Y.</summary>
    public int Y;
}

/// <summary>A generic record.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, int Total);

/// <summary>A base record.</summary>
public record Base(int Id);

/// <summary>A derived record: the base's members come first.</summary>
public sealed record Derived(int Id, string Extra) : Base(Id);

/// <summary>More members than one level of the decoding state holds.</summary>
public sealed record Wide(int A1, int A2, int A3, int A4, int A5, int A6, int A7, int A8, string A9, int? A10);

/// <summary>Constructor parameters with default values.</summary>
public sealed record Defaults(int Count = 3, string Label = "none", Priority Priority = Priority.High, double Ratio = 0.5, char Mark = 'x');

/// <summary>A union of two figures.</summary>
[Union(0, typeof(Disc))]
[Union(1, typeof(Square))]
public abstract record Figure
{
    /// <summary>The area.</summary>
    public abstract double Area { get; }
}

/// <summary>A disc.</summary>
public sealed record Disc(double Radius) : Figure
{
    /// <inheritdoc/>
    public override double Area => Math.PI * Radius * Radius;
}

/// <summary>A square.</summary>
public sealed record Square(double Side) : Figure
{
    /// <inheritdoc/>
    public override double Area => Side * Side;
}
