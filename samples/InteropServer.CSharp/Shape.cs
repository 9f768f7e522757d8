using System.Globalization;
using MessagePack;

namespace Tino.Samples.InteropServer.CSharp;

/// <summary>A union on the wire as <c>[tag, {fields}]</c>: <c>[0, {"radius": r}]</c> or <c>[1, {"width": w, "height": h}]</c>.</summary>
[Union(0, typeof(Circle))]
[Union(1, typeof(Rect))]
public abstract record Shape
{
    /// <summary><c>circle &lt;radius&gt;</c> or <c>rect &lt;width&gt; &lt;height&gt;</c>, numbers in invariant culture, shortest round-trip form.</summary>
    public abstract string Describe();

    /// <summary>A number as <see cref="Describe"/> writes it.</summary>
    protected static string Number(double value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Case 0.</summary>
public sealed record Circle(double Radius) : Shape
{
    /// <inheritdoc />
    public override string Describe() => $"circle {Number(Radius)}";
}

/// <summary>Case 1.</summary>
public sealed record Rect(double Width, double Height) : Shape
{
    /// <inheritdoc />
    public override string Describe() => $"rect {Number(Width)} {Number(Height)}";
}
