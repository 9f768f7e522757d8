namespace Tino.FSharp

open System
open System.Text
open Microsoft.FSharp.Reflection
open Tino

/// How the `Error` of a handler's `Result` becomes the call's error reply, worked out once per error type: the reply
/// carries the error value too, so a client of the same contract gets the `Error` back typed.
module internal ErrorReplies =

    /// `NotFound` -> `NOT_FOUND`, `HTTPError` -> `HTTP_ERROR`: a case name as a protocol error code.
    let codeOf (name: string) =
        let code = StringBuilder(name.Length + 4)
        for i in 0 .. name.Length - 1 do
            let c = name[i]
            let wordStarts =
                i > 0
                && Char.IsUpper c
                && (Char.IsLower name[i - 1] || Char.IsDigit name[i - 1] || (i + 1 < name.Length && Char.IsLower name[i + 1] && Char.IsUpper name[i - 1]))
            if wordStarts then code.Append '_' |> ignore
            code.Append(if Char.IsAsciiLetterOrDigit c then Char.ToUpperInvariant c else '_') |> ignore
        code.ToString()

    let private text (value: objnull) =
        match value with
        | null -> ""
        | :? string as s -> s
        | other -> string other

    let private forUnion<'E> () : 'E -> exn =
        let tagOf = FSharpValue.PreComputeUnionTagReader typeof<'E>
        let cases =
            FSharpType.GetUnionCases typeof<'E>
            |> Array.map (fun case -> codeOf case.Name, case.Name, FSharpValue.PreComputeUnionReader case)
        fun error ->
            let code, name, read = cases[tagOf (box error)]
            let message =
                match read (box error) with
                | [||] -> name
                | [| :? string as message |] -> message
                | fields -> name + " " + String.Join(" ", fields |> Array.map text)
            TinoException<'E>(code, message, error)

    let private create<'E> () : 'E -> exn =
        let t = typeof<'E>
        if typeof<exn>.IsAssignableFrom t then fun error -> unbox<exn> (box error)
        elif FSharpType.IsUnion t && not (t.IsGenericType && t.GetGenericTypeDefinition() = typedefof<option<_>>) then forUnion<'E> ()
        else fun error -> TinoException<'E>("ERROR", text (box error), error)

    /// The exception that replies the `Error` of a `Result<_, 'E>`.
    type Of<'E> private () =
        static let convert = create<'E> ()
        static member Convert = convert
