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
