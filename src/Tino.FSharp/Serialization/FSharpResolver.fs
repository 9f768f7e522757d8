namespace Tino.FSharp.Serialization

open System
open MessagePack
open MessagePack.Formatters
open MessagePack.Resolvers
open Microsoft.FSharp.Reflection
open Tino.Serialization

module internal FSharpFormatters =

    let private make (definition: Type) (arguments: Type[]) = Activator.CreateInstance(definition.MakeGenericType arguments)

    /// The formatter for the union `'T`: its cases read once, its tags by FSharp.Reflection's precomputed reader.
    let private union<'T> () : IMessagePackFormatter<'T> =
        let tagOf = FSharpValue.PreComputeUnionTagReader typeof<'T>
        FSharpUnionFormatter<'T>(UnionCases.analyze<'T> (), (fun (value: objnull) -> tagOf value))

    /// The formatter for an F# type, or null for a type this resolver leaves to the next one.
    let create<'T> () : objnull =
        let t = typeof<'T>
        let generic = if t.IsGenericType then Some(t.GetGenericTypeDefinition(), t.GetGenericArguments()) else None
        match generic with
        | Some(definition, arguments) when definition = typedefof<option<_>> -> make typedefof<FSharpOptionFormatter<_>> arguments
        | Some(definition, arguments) when definition = typedefof<voption<_>> -> make typedefof<FSharpValueOptionFormatter<_>> arguments
        | Some(definition, arguments) when definition = typedefof<list<_>> -> make typedefof<FSharpListFormatter<_>> arguments
        | Some(definition, arguments) when definition = typedefof<Set<_>> -> make typedefof<FSharpSetFormatter<_>> arguments
        | Some(definition, arguments) when definition = typedefof<Map<_, _>> -> make typedefof<FSharpMapFormatter<_, _>> arguments
        | _ when FSharpType.IsUnion t && not t.ContainsGenericParameters -> union<'T> ()
        | _ -> null

type internal FormatterCache<'T> private () =
    static let formatter: Result<IMessagePackFormatter<'T> option, exn> =
        try
            match FSharpFormatters.create<'T> () with
            | null -> Ok None
            | made -> Ok(Some(unbox<IMessagePackFormatter<'T>> made))
        with error ->
            Error error

    static member Formatter =
        match formatter with
        | Ok(Some found) -> found
        | Ok None -> Unchecked.defaultof<IMessagePackFormatter<'T>> // MessagePack-CSharp's resolvers answer null for "not mine"
        | Error error -> raise (FormatterNotRegisteredException($"Tino cannot serialize {typeof<'T>}: {error.Message}"))

/// <summary>
/// Serves F# types as PROTOCOL.md 6b says: unions as <c>[tag, {field: value}]</c>, <c>option</c> and
/// <c>voption</c> as nil or the value, <c>list</c> and <c>Set</c> as arrays, <c>Map</c> as a map. Built from
/// FSharp.Reflection's precomputed tag readers and constructors and from union field getters compiled from
/// expression trees (as Tino.Core builds its object formatter), without Reflection.Emit. Records, tuples, arrays and
/// everything else are left to the resolver composed after it (<see cref="T:Tino.Serialization.TinoResolver"/>
/// maps F# records by field name, honouring <c>[&lt;DataMember(Name = ...)&gt;]</c>).
/// </summary>
/// <example><code>let resolver = CompositeResolver.Create(FSharpResolver.Instance, TinoResolver.Instance)</code></example>
[<Sealed>]
type FSharpResolver private () =
    /// The one instance; it holds no state besides its cache of formatters.
    static member val Instance = FSharpResolver()

    interface IFormatterResolver with
        member _.GetFormatter<'T>() = FormatterCache<'T>.Formatter

/// MessagePack options for F# types: this project's resolver in front of Tino's.
[<RequireQualifiedAccess>]
module FSharpMessagePack =

    /// `FSharpResolver` composed in front of `TinoResolver`.
    let resolver: IFormatterResolver = CompositeResolver.Create(FSharpResolver.Instance, TinoResolver.Instance)

    /// Tino's untrusted-data options (collision-resistant hashing, a depth step per nested value) with
    /// `resolver`, accepting values nested inside at most `maxDepth` arrays or maps.
    let createOptions (maxDepth: int) : MessagePackSerializerOptions =
        TinoMessagePack.CreateOptions(maxDepth).WithResolver resolver

    /// `createOptions 64`, the protocol's default depth.
    let options = createOptions 64
