namespace Tino.FSharp

open System
open System.Reflection
open Microsoft.FSharp.Reflection

/// A record of functions as a contract: each field a command, named as the field (the name `command` would be
/// given, matched case-insensitively on the wire). `implement` serves one; `Client.proxy` calls one. Read with
/// FSharp.Reflection when the app or the proxy is made, never per call.
module internal Contract =

    /// The command a field stands for: its name as written.
    let commandName (field: PropertyInfo) = field.Name

    /// The command of `field`, described by the field's `///` docs or `[<Description>]`, when it has either.
    let describe (field: PropertyInfo) (command: Tino.CommandHandler) =
        let command =
            if field.IsDefined(typeof<Tino.IdempotentAttribute>, true) then
                CSharpRecord.withProperty (nameof command.IsIdempotent) true command
            else
                command
        match Tino.CommandDescriptions.Of field with
        | null -> command
        | description -> CSharpRecord.withProperty (nameof command.Description) description command

    /// The fields of the contract type `t`, in declaration order, or why `t` is not a contract.
    let fields (t: Type) : Result<PropertyInfo[], string> =
        if not (FSharpType.IsRecord(t, true)) then
            Error $"{t.Name} is not a record; a contract is a record of functions, one command per field."
        else
            let fields = FSharpType.GetRecordFields(t, true)
            match fields |> Array.tryFind (fun field -> not (FSharpType.IsFunction field.PropertyType)) with
            | Some field ->
                Error $"{t.Name}.{field.Name} is a {field.PropertyType.Name}, not a function; each field of a contract is a command (take unit for none)."
            | None -> Ok fields

/// Generic pieces of `implement_with`, closed once per field when the app is built.
type internal ContractParts =

    /// `fun call -> (create call).<field>`, typed `CallContext -> 'F`.
    static member private Field<'Api, 'F>(create: Tino.CallContext -> 'Api, read: obj -> objnull) : Tino.CallContext -> 'F =
        fun call ->
            match box (create call) with
            | null -> raise (InvalidOperationException $"the implementation of {typeof<'Api>.Name} made for a call is null")
            | api -> unbox<'F> (read api)

    /// The handler of `field` read from the record `create` makes for each call, and its function type.
    static member InContext<'Api>(create: Tino.CallContext -> 'Api, field: PropertyInfo) : obj * Type =
        let read = FSharpValue.PreComputeRecordFieldReader field
        let made =
            (nonNull (typeof<ContractParts>.GetMethod("Field", BindingFlags.NonPublic ||| BindingFlags.Static)))
                .MakeGenericMethod(typeof<'Api>, field.PropertyType)
                .Invoke(null, [| box create; box read |])
        nonNull made, FSharpType.MakeFunctionType(typeof<Tino.CallContext>, field.PropertyType)
