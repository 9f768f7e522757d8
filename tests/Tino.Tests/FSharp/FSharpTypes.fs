/// F# types and generators shared by the F# front's tests.
module Tino.Tests.FSharp.FSharpTypes

open System.Runtime.Serialization
open FsCheck
open FsCheck.FSharp

type Shape =
    | Circle of radius: float
    | Rect of width: float * height: float
    | Dot

type Tree =
    | Leaf
    | Node of left: Tree * value: int * right: Tree

type Rose = Rose of children: Rose list

[<Struct>]
type Coin =
    | Heads
    | Tails

/// A union whose case without fields is null, as `option`'s None is: its other case's fields sit on the union type.
[<CompilationRepresentation(CompilationRepresentationFlags.UseNullAsTrueValue)>]
type Reading =
    | NoReading
    | Reading of celsius: float * station: string

type Inner = { name: string; tags: string list; score: float option }

type Outer =
    { id: int
      inner: Inner
      shapes: Shape list
      lookup: Map<string, int>
      ids: Set<int>
      pair: int * string
      triple: struct (bool * int64 * Coin)
      nested: int option option
      maybe: int voption
      tree: Tree
      unions: Result<Shape, string> array }

type Renamed =
    { [<DataMember(Name = "full_name")>]
      name: string
      age: int }

/// `Some None` travels as nil, like `None`: the value a round trip gives back.
let normalize (outer: Outer) =
    { outer with
        nested =
            match outer.nested with
            | Some None -> None
            | other -> other }

/// Finite floats (NaN is not equal to itself) and non-null strings, so that round trips compare with `=`.
let arbMap =
    let finite = ArbMap.defaults |> ArbMap.generate<NormalFloat> |> Gen.map float
    let text =
        ArbMap.defaults
        |> ArbMap.generate<string | null>
        |> Gen.map (fun text ->
            match text with
            | null -> ""
            | text -> text)
    ArbMap.defaults |> ArbMap.mergeArb (Arb.fromGen finite) |> ArbMap.mergeArb (Arb.fromGen text)

let generate<'T> = ArbMap.generate<'T> arbMap
