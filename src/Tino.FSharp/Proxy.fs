namespace Tino.FSharp

open System
open System.Collections.Generic
open System.Reflection
open System.Threading
open System.Threading.Tasks
open Microsoft.FSharp.Reflection
open Tino
open Tino.Client

/// A function that has taken some of a call's arguments (the list, last first) and the call's token, and gives the
/// rest of the function: `'F` is `int -> Task<int>` after the first argument of `int -> int -> Task<int>`.
type internal Collect<'F> = TinoArg list -> CancellationToken -> 'F

/// The pieces a proxy function is made of. Each is generic in the types it handles and closed over them once, when
/// the proxy is made; applying the function then runs plain F# closures: no reflection, no boxing of arguments.
type internal ProxyParts =

    static member private Arguments(reversed: TinoArg list) : TinoArg[] =
        let arguments = Array.zeroCreate (List.length reversed)
        let mutable i = arguments.Length - 1
        for argument in reversed do
            arguments[i] <- argument
            i <- i - 1
        arguments

    static member private Call<'T>(client: ITinoClient, command: string, arguments: TinoArg list, token: CancellationToken) =
        client.CallAsync<'T>(command, token, ReadOnlySpan(ProxyParts.Arguments arguments))

    static member private Effect(client: ITinoClient, command: string, arguments: TinoArg list, token: CancellationToken) =
        client.CallAsync(command, token, ReadOnlySpan(ProxyParts.Arguments arguments))

    /// The token a call made inside an `async` uses: the function's own token parameter if it has one, else the async's.
    static member private AsyncToken(given: CancellationToken) =
        async {
            if given.CanBeCanceled then
                return given
            else
                return! Async.CancellationToken
        }

    static member TaskOf<'T>(client, command) : Collect<Task<'T>> =
        fun arguments token -> ProxyParts.Call<'T>(client, command, arguments, token).AsTask()

    static member ValueTaskOf<'T>(client, command) : Collect<ValueTask<'T>> =
        fun arguments token -> ProxyParts.Call<'T>(client, command, arguments, token)

    static member AsyncOf<'T>(client, command) : Collect<Async<'T>> =
        fun arguments given ->
            async {
                let! token = ProxyParts.AsyncToken given
                return! TaskAwait.inAsync(ProxyParts.Call<'T>(client, command, arguments, token).AsTask())
            }

    static member TaskOfUnit(client, command) : Collect<Task<unit>> =
        fun arguments token ->
            let pending = ProxyParts.Effect(client, command, arguments, token)
            if pending.IsCompletedSuccessfully then Task.FromResult() else task { do! pending }

    static member ValueTaskOfUnit(client, command) : Collect<ValueTask<unit>> =
        fun arguments token -> ValueTask<unit>(ProxyParts.TaskOfUnit (client, command) arguments token)

    static member AsyncOfUnit(client, command) : Collect<Async<unit>> =
        fun arguments given ->
            async {
                let! token = ProxyParts.AsyncToken given
                return! TaskAwait.inAsync(ProxyParts.TaskOfUnit (client, command) arguments token)
            }

    static member Task(client, command) : Collect<Task> =
        fun arguments token -> ProxyParts.Effect(client, command, arguments, token).AsTask()

    static member ValueTask(client, command) : Collect<ValueTask> =
        fun arguments token -> ProxyParts.Effect(client, command, arguments, token)

    /// A stream command: each enumeration calls it (ITER / NEXT); leaving early sends CLOSE.
    static member StreamOf<'T>(client: ITinoClient, command: string) : Collect<IAsyncEnumerable<'T>> =
        fun arguments token -> client.StreamAsync<'T>(command, token, ReadOnlySpan(ProxyParts.Arguments arguments))

    /// A parameter sent as the next argument.
    static member Argument<'A, 'Rest>(rest: Collect<'Rest>) : Collect<'A -> 'Rest> =
        fun arguments token -> fun (value: 'A) -> rest (TinoArg.From value :: arguments) token

    /// The call's token: given to the call, not sent.
    static member Token<'Rest>(rest: Collect<'Rest>) : Collect<CancellationToken -> 'Rest> =
        fun arguments _ -> fun token -> rest arguments token

    /// `unit`, or a parameter the server fills (`AuthRequired`, `Auth`, `ConnState`): not sent.
    static member Skip<'A, 'Rest>(rest: Collect<'Rest>) : Collect<'A -> 'Rest> =
        fun arguments token -> fun (_: 'A) -> rest arguments token

    /// The function itself: nothing taken yet.
    static member Start<'F>(collect: Collect<'F>) : objnull = box (collect [] CancellationToken.None)

/// Functions that call a command, of any curried F# function type, made once per contract field.
module internal Proxy =

    let private part (name: string) (generics: Type[]) (arguments: objnull[]) : obj =
        let definition = nonNull (typeof<ProxyParts>.GetMethod(name, BindingFlags.Public ||| BindingFlags.NonPublic ||| BindingFlags.Static))
        let method = if generics.Length = 0 then definition else definition.MakeGenericMethod generics
        nonNull (method.Invoke(null, arguments))

    /// What a function returning `result` does once it has all its arguments, or why it cannot be a call.
    let private ending (client: ITinoClient) (command: string) (result: Type) : Result<obj, string> =
        let call name generics = Ok(part name generics [| client; command |])
        let generic = if result.IsGenericType then result.GetGenericTypeDefinition() else result
        let inner () = result.GetGenericArguments()[0]
        if result = typeof<Task> then call "Task" [||]
        elif result = typeof<ValueTask> then call "ValueTask" [||]
        elif generic = typedefof<Task<_>> || generic = typedefof<ValueTask<_>> || generic = typedefof<Async<_>> then
            let shape =
                if generic = typedefof<Task<_>> then "TaskOf"
                elif generic = typedefof<ValueTask<_>> then "ValueTaskOf"
                else "AsyncOf"
            if inner () = typeof<unit> then call (shape + "Unit") [||] else call shape [| inner () |]
        elif generic = typedefof<IAsyncEnumerable<_>> then call "StreamOf" [| inner () |]
        else
            Error $"it returns {result.Name}; a proxy's functions return Task<'T>, ValueTask<'T>, Async<'T>, Task, ValueTask or IAsyncEnumerable<'T>."

    /// A function of type `functionType` whose application calls `command`: each curried parameter is one argument, in
    /// order, but a `CancellationToken` is given to the call, and `unit`, `AuthRequired`, `Auth` and `ConnState` are
    /// not sent. The result is the reply, decoded; `unit`, `Task` and `ValueTask` results do not decode it; an
    /// `IAsyncEnumerable<'T>` result reads the stream command item by item.
    let functionOf (client: ITinoClient) (command: string) (functionType: Type) : Result<obj, string> =
        let parameters, result = Handlers.curried functionType
        ending client command result
        |> Result.map (fun last ->
            let step (parameter: Type) (rest: obj, restType: Type) =
                let collect =
                    match CommandParameter("", parameter).Source with
                    | _ when parameter = typeof<unit> -> part "Skip" [| parameter; restType |] [| rest |]
                    | ParameterSource.Wire -> part "Argument" [| parameter; restType |] [| rest |]
                    | ParameterSource.CancellationToken -> part "Token" [| restType |] [| rest |]
                    | _ -> part "Skip" [| parameter; restType |] [| rest |]
                collect, FSharpType.MakeFunctionType(parameter, restType)
            let collect, made = List.foldBack step parameters (last, result)
            part "Start" [| made |] [| collect |])
