/// <summary>
/// Property tests of handlers over the real wire: FsCheck draws the arguments, the command answers them from a
/// server of the app (a <see cref="T:Tino.Hosting.TinoTestHost"/> on a loopback port), and a plain F# function answers
/// them locally; the property holds when both answers are equal.
/// </summary>
/// <example><code>
/// let app = tino { command "add" (fun (a: int) (b: int) -> int64 a + int64 b) }
///
/// testProperty "add over the wire is addition" (Testing.overTheWire app "add" (fun (a: int) (b: int) -> int64 a + int64 b))
/// </code></example>
[<RequireQualifiedAccess>]
module Tino.Testing

open System
open System.Reflection
open System.Runtime.CompilerServices
open System.Threading.Tasks
open FsCheck
open FsCheck.FSharp
open Microsoft.FSharp.Reflection
open Tino
open Tino.Client
open Tino.Hosting
open Tino.FSharp

/// <summary>
/// One <see cref="T:Tino.Hosting.TinoTestHost"/> per app, shared by the property cases that call it: started by the
/// first case, kept while cases follow one another, and stopped once none has used it for a moment. A property run
/// so pays for one server start, not one per case, and leaves no server behind.
/// </summary>
type internal SharedHost private (app: TinoApp) =
    static let hosts = ConditionalWeakTable<TinoApp, SharedHost>()
    static let idle = TimeSpan.FromSeconds 1.0

    let gate = obj ()
    let mutable host: Task<TinoTestHost> option = None
    let mutable users = 0
    let mutable lastUse = 0L

    /// The shared host of `app`.
    static member Of(app: TinoApp) : SharedHost = hosts.GetValue(app, fun app -> SharedHost app)

    /// Runs `body` with the host, starting it when there is none.
    member this.Use(body: TinoTestHost -> 'T) : 'T =
        let started =
            lock gate (fun () ->
                users <- users + 1
                match host with
                | Some started -> started
                | None ->
                    let started = TinoTestHost.StartAsync app
                    host <- Some started
                    started)
        try
            try
                body (started.GetAwaiter().GetResult())
            with _ when started.IsFaulted ->
                lock gate (fun () -> if host = Some started then host <- None)
                reraise ()
        finally
            lock gate (fun () ->
                users <- users - 1
                lastUse <- lastUse + 1L
                if users = 0 then this.StopWhenIdle lastUse)

    /// Stops the host after `idle` unless a case has used it since the use numbered `seen`.
    member private _.StopWhenIdle(seen: int64) =
        task {
            do! Task.Delay idle
            let stopping =
                lock gate (fun () ->
                    match host with
                    | Some started when users = 0 && lastUse = seen ->
                        host <- None
                        Some started
                    | _ -> None)
            match stopping with
            | Some started when started.IsCompletedSuccessfully -> do! started.Result.DisposeAsync()
            | _ -> ()
        }
        |> ignore

/// How a call ended: a value, or an error reply's code and message.
type internal Outcome =
    | Replied of objnull
    | Refused of code: string * message: string

    override this.ToString() =
        match this with
        | Replied value -> sprintf "%A" value
        | Refused(code, message) -> $"-{code} \"{message}\""

/// Turns results of each shape into outcomes; closed over the result's type once per property.
type internal Outcomes =

    /// The outcome of an exception: a `TinoException`'s code (remote errors are `TinoException`s too), else the
    /// `UNEXPECTED_ERROR` that a server replies for any other exception.
    static member Of(error: exn) =
        match error with
        | :? AggregateException as aggregate when aggregate.InnerExceptions.Count = 1 -> Outcomes.Of(aggregate.InnerExceptions[0])
        | :? TinoException as refused -> Refused(refused.Code, refused.Message)
        | other -> Refused(ErrorCodes.UnexpectedError, other.Message)

    static member OfTask<'T>(pending: Task<'T>) : Task<Outcome> =
        task {
            try
                let! value = pending
                return Replied(box value)
            with error ->
                return Outcomes.Of error
        }

    static member OfValue<'T>(value: 'T) : Task<Outcome> = Task.FromResult(Replied(box value))

    static member OfValueTask<'T>(pending: ValueTask<'T>) = Outcomes.OfTask(pending.AsTask())

    static member OfAsync<'T>(computation: Async<'T>) = Outcomes.OfTask(Async.StartImmediateAsTask computation)

    static member OfResult<'T, 'E>(result: Result<'T, 'E>) : Task<Outcome> =
        match result with
        | Ok value -> Task.FromResult(Replied(box value))
        | Error error -> Task.FromResult(Outcomes.Of(ErrorReplies.Of<'E>.Convert error))

/// How to read a model's result: the type a server replies for it, and how to await it as an outcome.
let private readerOf (result: Type) : Type * (objnull -> Task<Outcome>) =
    let generic = if result.IsGenericType then result.GetGenericTypeDefinition() else result
    let reader (name: string) (generics: Type[]) =
        let method = (nonNull (typeof<Outcomes>.GetMethod(name, BindingFlags.Public ||| BindingFlags.NonPublic ||| BindingFlags.Static))).MakeGenericMethod generics
        fun (value: objnull) -> nonNull (method.Invoke(null, BindingFlags.DoNotWrapExceptions, null, [| value |], null)) :?> Task<Outcome>
    let arguments = if result.IsGenericType then result.GetGenericArguments() else [||]
    if generic = typedefof<Task<_>> then arguments[0], reader "OfTask" arguments
    elif generic = typedefof<ValueTask<_>> then arguments[0], reader "OfValueTask" arguments
    elif generic = typedefof<Async<_>> then arguments[0], reader "OfAsync" arguments
    elif generic = typedefof<Result<_, _>> then arguments[0], reader "OfResult" arguments
    else result, reader "OfValue" [| result |]

/// Applies a curried function of type `functionType` to all its arguments: `Invoke` found once per parameter.
let private applier (functionType: Type) : objnull -> objnull[] -> objnull =
    let rec invokes (t: Type) =
        if FSharpType.IsFunction t then
            let domain, range = FSharpType.GetFunctionElements t
            nonNull (typedefof<FSharpFunc<_, _>>.MakeGenericType(domain, range).GetMethod "Invoke") :: invokes range
        else
            []
    let invokes = invokes functionType
    fun f arguments ->
        let apply (f: objnull) (invoke: MethodInfo) argument = invoke.Invoke(f, BindingFlags.DoNotWrapExceptions, null, [| argument |], null)
        List.fold2 apply f invokes (List.ofArray arguments)

/// One arbitrary array of arguments from the arbitraries of their types: drawn together, shrunk one at a time.
let private argumentsOf (arbitraries: IArbMap) (parameters: Type list) : Arbitrary<objnull[]> =
    let each = parameters |> List.map (fun t -> arbitraries.ArbFor t) |> Array.ofList
    let generate = Gen.sequenceToArray [ for arbitrary in each -> Gen.map box arbitrary.Generator ]
    let shrink (values: objnull[]) =
        seq {
            for i in 0 .. values.Length - 1 do
                for smaller in each[i].Shrinker(nonNull values[i]) -> Array.updateAt i (box smaller) values
        }
    Arb.fromGenShrink (generate, shrink)

/// <summary>
/// <c>overTheWire</c> with arguments drawn from <c>arbitraries</c> (<c>ArbMap.defaults |> ArbMap.mergeWith&lt;MyArbitraries&gt;</c>).
/// </summary>
let overTheWireWith (arbitraries: IArbMap) (app: TinoApp) (command: string) (model: 'F) : Property =
    let modelType = typeof<'F>
    let parameters, result = Handlers.curried modelType
    if parameters.IsEmpty then
        invalidArg (nameof model) $"the model of {command} must be a function of its arguments, not a {modelType.Name}."
    let replied, readModel = readerOf result
    let remoteType = List.foldBack (fun p t -> FSharpType.MakeFunctionType(p, t)) parameters (typedefof<Task<_>>.MakeGenericType replied)
    let readRemote = snd (readerOf (typedefof<Task<_>>.MakeGenericType replied))
    let applyModel = applier modelType
    let applyRemote = applier remoteType
    let shared = SharedHost.Of app
    // The remote function of the last client seen: made again only when the shared host was started again.
    let remote = ref (None: (TinoClient * objnull) option)
    let remoteOf (client: TinoClient) =
        match remote.Value with
        | Some(seen, made) when obj.ReferenceEquals(seen, client) -> made
        | _ ->
            match Proxy.functionOf client command remoteType with
            | Ok made ->
                remote.Value <- Some(client, made)
                made
            | Error reason -> invalidArg (nameof model) $"{command}: {reason}"
    Prop.forAll (argumentsOf arbitraries parameters) (fun arguments ->
        let locally =
            try (readModel (applyModel (box model) arguments)).GetAwaiter().GetResult()
            with error -> Outcomes.Of error
        let overTheWire =
            shared.Use(fun host -> (readRemote (applyRemote (remoteOf host.Client) arguments)).GetAwaiter().GetResult())
        let same =
            match locally, overTheWire with
            | Replied expected, Replied actual -> LanguagePrimitives.GenericEqualityER expected actual
            | Refused(expected, _), Refused(actual, _) -> expected = actual
            | _ -> false
        if same then
            Prop.ofTestable true
        else
            Prop.label $"{command} over the wire: {overTheWire}; locally: {locally}" false)

/// <summary>
/// The property "<c>command</c> of <c>app</c>, called over the wire, answers as <c>model</c> does locally", for
/// arguments FsCheck draws by the types of <c>model</c>'s curried parameters (one wire argument each; <c>unit</c> is
/// none). The model returns a value, <c>Task</c>, <c>ValueTask</c> or <c>Async</c> of one, or a <c>Result</c>. Values
/// are compared with F# structural equality (NaN equals NaN); errors by code: a <c>TinoException</c> or an
/// <c>Error</c> case locally must meet the same code over the wire, any other exception <c>UNEXPECTED_ERROR</c>.
/// </summary>
/// <remarks>
/// The server is a <see cref="T:Tino.Hosting.TinoTestHost"/> of <c>app</c>, shared by every case and property of the
/// same app value, started by the first case and stopped a second after the last. Its client speaks the app's
/// MessagePack options.
/// </remarks>
let overTheWire (app: TinoApp) (command: string) (model: 'F) : Property = overTheWireWith ArbMap.defaults app command model
