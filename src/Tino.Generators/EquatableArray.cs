using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;

namespace Tino.Generators;

/// <summary>
/// An immutable array compared by its items, so that a generator's models are equal when their contents are and the
/// incremental pipeline can skip work it has done.
/// </summary>
internal readonly struct EquatableArray<T>(ImmutableArray<T> items) : IEquatable<EquatableArray<T>>, IEnumerable<T>
    where T : IEquatable<T>
{
    private readonly ImmutableArray<T> _items = items;

    public int Count => _items.IsDefault ? 0 : _items.Length;

    public T this[int index] => _items[index];

    public bool Equals(EquatableArray<T> other) => AsEnumerable().SequenceEqual(other.AsEnumerable());

    public override bool Equals(object? obj) => obj is EquatableArray<T> other && Equals(other);

    public override int GetHashCode() => AsEnumerable().Aggregate(17, (hash, item) => (hash * 31) + item.GetHashCode());

    public IEnumerator<T> GetEnumerator() => AsEnumerable().GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private IEnumerable<T> AsEnumerable() => _items.IsDefault ? [] : _items;
}
