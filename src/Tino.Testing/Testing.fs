/// <summary>
/// Property tests of handlers over the real wire: FsCheck draws the arguments, the command answers them from a
/// server of the app (a <see cref="T:Tino.Client.TinoTestHost"/> on a loopback port), and a plain F# function answers
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
open Tino.FSharp

/// <summary>
/// One <see cref="T:Tino.Client.TinoTestHost"/> per app, shared by the property cases that call it: started by the
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

/// <summary>How a property over the wire runs: where its arguments come from, and what its client sends as <c>AUTH</c>.</summary>
type WireSettings =
    {
        /// The arbitraries wire arguments are drawn from (<c>ArbMap.defaults |> ArbMap.mergeWith&lt;MyArbitraries&gt;</c>).
        Arbitraries: IArbMap
        /// The password each case's client authenticates with. The model's <c>AuthRequired</c> and <c>Auth</c> are what
        /// the app's auth function makes of it; without one, a model's <c>AuthRequired</c> is refused as the server refuses.
        Password: string option
    }

    /// Default arbitraries, no password.
    static member Defaults = { Arbitraries = ArbMap.defaults; Password = None }

/// What one case runs against: a client of a server of the app, the app, the server's publisher, and the model.
type private Target = { Client: TinoClient; App: TinoApp; Publisher: Publisher; Model: objnull }

/// The local value of a model's magic parameter, made for one case the way the server makes it for a call.
let private localValue (settings: WireSettings) (target: Target) (parameter: CommandParameter) : objnull =
    let authValue () =
        match Option.ofObj target.App.Auth, settings.Password with
        | Some auth, Some password ->
            let credentials = AuthCredentials(null, ReadOnlyMemory(Text.Encoding.UTF8.GetBytes password))
            auth.Authenticate.Invoke(credentials, Threading.CancellationToken.None).AsTask().GetAwaiter().GetResult()
        | _ -> null
    let wrap (definition: Type) (value: objnull) = Activator.CreateInstance(definition.MakeGenericType parameter.ValueType, [| value |])
    match parameter.Source with
    | ParameterSource.AuthRequired ->
        match authValue () with
        | null -> raise (TinoException(ErrorCodes.PermissionDenied, "the connection has not authenticated"))
        | value -> wrap typedefof<AuthRequired<_>> value
    | ParameterSource.Auth ->
        match authValue () with
        | null -> Activator.CreateInstance(typedefof<Auth<_>>.MakeGenericType parameter.ValueType)
        | value -> wrap typedefof<Auth<_>> value
    | ParameterSource.ConnectionState ->
        match Option.ofObj target.App.State with
        | Some state -> state.NewState.Invoke()
        | None -> invalidOp $"the model takes {parameter.Type.Name}, but the app declares no connection state"
    | ParameterSource.CancellationToken -> box Threading.CancellationToken.None
    | ParameterSource.Publisher -> box target.Publisher
    | _ -> invalidOp $"a model cannot take a {parameter.Type.Name}; give it the values it needs instead"

/// How each case of a property finds the server it calls: `run` gives `body` a target and disposes what it made.
type private Targets = { Run: (Target -> Outcome * Outcome) -> Outcome * Outcome }

/// The property, over whatever `targets` gives each case.
let private property<'F> (settings: WireSettings) (targets: Targets) (command: string) : Property =
    let modelType = typeof<'F>
    let parameters, result = Handlers.curried modelType
    if parameters.IsEmpty then
        invalidArg "model" $"the model of {command} must be a function of its arguments, not a {modelType.Name}."
    let described = parameters |> List.map (fun t -> CommandParameter("", t))
    match described |> List.tryFind (fun p -> p.Source = ParameterSource.CallContext) with
    | Some p -> invalidArg "model" $"the model of {command} takes a {p.Type.Name}, which only a server can make; give the model the values it needs instead."
    | None -> ()
    let wire = described |> List.filter (fun p -> p.Source = ParameterSource.Wire && p.Type <> typeof<unit>) |> List.map _.Type
    let replied, readModel = readerOf result
    let remoteType = List.foldBack (fun p t -> FSharpType.MakeFunctionType(p, t)) parameters (typedefof<Task<_>>.MakeGenericType replied)
    let readRemote = snd (readerOf (typedefof<Task<_>>.MakeGenericType replied))
    let applyModel = applier modelType
    let applyRemote = applier remoteType
    // The remote function of the last client seen: made again only for another client.
    let remote = ref (None: (TinoClient * objnull) option)
    let remoteOf (client: TinoClient) =
        match remote.Value with
        | Some(seen, made) when obj.ReferenceEquals(seen, client) -> made
        | _ ->
            match Proxy.functionOf client command remoteType with
            | Ok made ->
                lock remote (fun () -> remote.Value <- Some(client, made))
                made
            | Error reason -> invalidArg "model" $"{command}: {reason}"
    Prop.forAll (argumentsOf settings.Arbitraries wire) (fun drawn ->
        let locally, overTheWire =
            targets.Run(fun target ->
                let mutable next = 0
                let arguments =
                    [| for p in described ->
                           if p.Type = typeof<unit> then box ()
                           elif p.Source = ParameterSource.Wire then
                               next <- next + 1
                               drawn[next - 1]
                           else
                               null |]
                let locally =
                    try
                        let arguments = Array.map2 (fun (p: CommandParameter) a -> if p.Source = ParameterSource.Wire then a else localValue settings target p) (Array.ofList described) arguments
                        (readModel (applyModel target.Model arguments)).GetAwaiter().GetResult()
                    with error -> Outcomes.Of error
                let overTheWire = (readRemote (applyRemote (remoteOf target.Client) arguments)).GetAwaiter().GetResult()
                locally, overTheWire)
        let same =
            match locally, overTheWire with
            | Replied expected, Replied actual -> LanguagePrimitives.GenericEqualityER expected actual
            | Refused(expected, _), Refused(actual, _) -> expected = actual
            | _ -> false
        if same then
            Prop.ofTestable true
        else
            Prop.label $"{command} over the wire: {overTheWire}; locally: {locally}" false)

/// Whether a model's parameters make each case need a connection of its own: state per connection, or AUTH.
let private ownConnection (settings: WireSettings) (modelType: Type) =
    settings.Password.IsSome
    || fst (Handlers.curried modelType) |> List.exists (fun t -> CommandParameter("", t).Source = ParameterSource.ConnectionState)

let private clientOptions (settings: WireSettings) =
    match settings.Password with
    | Some password -> TinoClientOptions(Password = password)
    | None -> TinoClientOptions.Default

/// <summary>
/// <c>overTheWire</c> with its <see cref="T:Tino.Testing.WireSettings"/>: arbitraries and a password. A model that takes a
/// <c>ConnState</c>, or settings with a password, give each case a connection of its own (so the state starts afresh,
/// as the model's does); the server stays shared.
/// </summary>
let overTheWireUsing (settings: WireSettings) (app: TinoApp) (command: string) (model: 'F) : Property =
    let shared = SharedHost.Of app
    let fresh = ownConnection settings typeof<'F>
    let targets =
        { Run =
            fun body ->
                shared.Use(fun host ->
                    if fresh then
                        let client = host.ConnectAsync(clientOptions settings).GetAwaiter().GetResult()
                        try
                            body { Client = client; App = app; Publisher = host.Server.Publisher; Model = box model }
                        finally
                            client.DisposeAsync().AsTask().GetAwaiter().GetResult()
                    else
                        body { Client = host.Client; App = app; Publisher = host.Server.Publisher; Model = box model }) }
    property<'F> settings targets command

/// <summary>
/// <c>overTheWire</c> with arguments drawn from <c>arbitraries</c> (<c>ArbMap.defaults |> ArbMap.mergeWith&lt;MyArbitraries&gt;</c>).
/// </summary>
let overTheWireWith (arbitraries: IArbMap) (app: TinoApp) (command: string) (model: 'F) : Property =
    overTheWireUsing { WireSettings.Defaults with Arbitraries = arbitraries } app command model

/// <summary>
/// The property "<c>command</c> of <c>app</c>, called over the wire, answers as <c>model</c> does locally", for
/// arguments FsCheck draws by the types of <c>model</c>'s curried parameters (one wire argument each; <c>unit</c> is
/// none). The model returns a value, <c>Task</c>, <c>ValueTask</c> or <c>Async</c> of one, or a <c>Result</c>. Values
/// are compared with F# structural equality (NaN equals NaN); errors by code: a <c>TinoException</c> or an
/// <c>Error</c> case locally must meet the same code over the wire, any other exception <c>UNEXPECTED_ERROR</c>.
/// The model may take the magic parameters a handler takes, filled locally as the server fills them:
/// <c>ConnState</c> fresh from the app's state factory each case, <c>CancellationToken</c> (none), <c>Publisher</c>
/// (the test server's), and <c>AuthRequired</c>/<c>Auth</c> (see <see cref="T:Tino.Testing.WireSettings"/>).
/// </summary>
/// <remarks>
/// The server is a <see cref="T:Tino.Client.TinoTestHost"/> of <c>app</c>, shared by every case and property of the
/// same app value, started by the first case and stopped a second after the last. Its client speaks the app's
/// MessagePack options. An app whose handlers keep state of their own (a store they close over) is shared too: for
/// such an app, use <c>overTheWireFresh</c>.
/// </remarks>
let overTheWire (app: TinoApp) (command: string) (model: 'F) : Property = overTheWireWith ArbMap.defaults app command model

/// <summary>
/// <c>overTheWireFresh</c> with its <see cref="T:Tino.Testing.WireSettings"/>.
/// </summary>
let overTheWireFreshUsing (settings: WireSettings) (create: unit -> TinoApp * 'F) (command: string) : Property =
    let targets =
        { Run =
            fun body ->
                let app, model = create ()
                let host = TinoTestHost.StartAsync(app, clientOptions settings).GetAwaiter().GetResult()
                try
                    body { Client = host.Client; App = app; Publisher = host.Server.Publisher; Model = box model }
                finally
                    host.DisposeAsync().AsTask().GetAwaiter().GetResult() }
    property<'F> settings targets command

/// <summary>
/// The property of <c>overTheWire</c>, each case on a fresh app and model that <c>create</c> makes together, served
/// by a server of its own: state that handlers keep (a store the app closes over, the connection's state) starts
/// afresh each case, and properties running in parallel never share it.
/// </summary>
/// <example><code>
/// let create () =
///     let stock = ConcurrentDictionary(dict [ "plum", 5 ])
///     inventoryApp stock, adjustModel (Dictionary(dict [ "plum", 5 ]))
/// testProperty "adjust" (Testing.overTheWireFresh create "adjust")
/// </code></example>
let overTheWireFresh (create: unit -> TinoApp * 'F) (command: string) : Property =
    overTheWireFreshUsing WireSettings.Defaults create command
