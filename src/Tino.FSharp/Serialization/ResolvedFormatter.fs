namespace Tino.FSharp.Serialization

open MessagePack
open MessagePack.Formatters

/// A formatter and the resolver it came from.
[<Sealed>]
type internal Resolved<'T>(resolver: IFormatterResolver, formatter: IMessagePackFormatter<'T>) =
    member _.Resolver = resolver
    member _.Formatter = formatter

/// <summary>
/// The formatter of a nested value, from the options' resolver, remembered for the last resolver seen: a reference
/// comparison per call instead of a resolver lookup (a generic interface dispatch, and a hash lookup in a composite
/// resolver) per list, field or element. Tino.Core's object formatter keeps its members' formatters the same way.
/// </summary>
[<Sealed>]
type internal ResolvedFormatter<'T>() =
    // Replaced whole, never mutated: a reader on another thread sees an old pair or a new one, both right.
    [<DefaultValue>]
    val mutable private last: Resolved<'T> | null

    member this.For(options: MessagePackSerializerOptions) : IMessagePackFormatter<'T> =
        match this.last with
        | null -> this.Resolve options
        | last -> if obj.ReferenceEquals(last.Resolver, options.Resolver) then last.Formatter else this.Resolve options

    member private this.Resolve(options: MessagePackSerializerOptions) =
        let formatter = options.Resolver.GetFormatterWithVerify<'T>()
        this.last <- Resolved(options.Resolver, formatter)
        formatter
