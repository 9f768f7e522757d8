using System.ComponentModel;

namespace Tino.Serialization;

/// <summary>Reads a member of <typeparamref name="T"/> (a struct is passed by reference, not copied).</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public delegate TMember MemberGetter<T, TMember>(ref T target);

/// <summary>Stores a decoded member value in its slot of the decoding state.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public delegate void SlotSetter<TState, TMember>(ref TState state, TMember value);

/// <summary>Makes the object from the decoding state: calls the chosen constructor with its slots.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public delegate T ObjectConstructor<TState, T>(ref TState state);

/// <summary>Copies one settable member from its slot of the decoding state into the constructed object.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public delegate void MemberAssigner<T, TState>(ref T target, ref TState state);

/// <summary>Fills slots of the decoding state with constructor parameters' default values.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public delegate void StateInitializer<TState>(ref TState state);
