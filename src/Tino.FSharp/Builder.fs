namespace Tino.FSharp

open System
open System.Collections.Immutable
open System.Threading
open System.Threading.Tasks
open Tino
open Tino.Protocol
open Microsoft.FSharp.Reflection

/// <summary>
/// The <c>tino { }</c> computation expression: a Tino server as one declarative expression of plain functions.
/// <c>Yield</c> gives the defaults, each operation returns a new <see cref="T:Tino.FSharp.TinoSpec"/>, and
/// <c>Run</c> checks it and builds the <see cref="T:Tino.TinoApp"/> that Tino.Core serves.
/// </summary>
/// <example><code>
/// let add (a: int) (b: int) = a + b
/// let app = tino {
///     auth (fun password -> if password = "secret" then Some "tina" else None)
///     command "add" add
/// }
/// </code></example>
type TinoBuilder() =

    let appendCommand spec name described = { spec with Commands = spec.Commands @ [ name, described ] }

    let option property (value: objnull) spec = { spec with Options = TinoSpec.withOption property value spec.Options }

    static member internal AuthValue(accepted: 'T option) : objnull =
        match accepted with
        | Some value -> box value
        | None -> null

    /// Nothing declared yet.
    member _.Yield(_: unit) = TinoSpec.empty

    /// Checks what was declared and builds the app; a mistake raises `TinoBuildException` naming the command.
    member _.Run(spec: TinoSpec) : TinoApp = TinoSpec.build spec

    /// <summary>
    /// Adds the command <c>name</c> running <c>handler</c>, a curried F# function of any arity (or a .NET delegate).
    /// Each curried parameter is one wire argument, by position; a tupled parameter is one argument (an array);
    /// <c>unit</c> is none; <c>AuthRequired&lt;'T&gt;</c>, <c>Auth&lt;'T&gt;</c>, <c>ConnState&lt;'T&gt;</c>,
    /// <c>CancellationToken</c> and <c>Publisher</c> are filled by the server. The result may be a value, <c>unit</c>,
    /// <c>Async</c>, <c>Task</c>, <c>ValueTask</c> or <c>Result</c> (an <c>Error</c> replies an error); a
    /// <c>seq&lt;'T&gt;</c> or <c>IAsyncEnumerable&lt;'T&gt;</c> (see <c>Stream.create</c>) makes a stream command,
    /// read with <c>ITER</c> / <c>NEXT</c> or whole as an array.
    /// </summary>
    [<CustomOperation("command")>]
    member _.Command(spec: TinoSpec, name: string, handler: 'F) =
        match box handler with
        | null -> appendCommand spec name (Error "the handler is null.")
        | handler -> appendCommand spec name (Handlers.create name typeof<'F> handler)

    /// <summary>
    /// Serves a record of functions: each field is a command named as the field, its function a handler as for
    /// <c>command</c>. The record's type is the contract the client calls with <c>Client.proxy</c>.
    /// </summary>
    /// <example><code>
    /// type MathApi = { add: int -> int -> Task&lt;int&gt;; half: float -> Async&lt;float&gt; }
    /// let mathApi = { add = (fun a b -> Task.FromResult(a + b)); half = (fun x -> async { return x / 2.0 }) }
    /// let app = tino { implement mathApi }
    /// </code></example>
    [<CustomOperation("implement")>]
    member _.Implement(spec: TinoSpec, api: 'Api) =
        let contract = typeof<'Api>
        let commands =
            match Contract.fields contract, box api with
            | Error reason, _ -> [ contract.Name, Error reason ]
            | Ok _, Null -> [ contract.Name, Error "the record is null." ]
            | Ok fields, NonNull record ->
                let values = FSharpValue.GetRecordFields(record, true)
                [ for field, value in Array.zip fields values ->
                      let name = Contract.commandName field
                      match value with
                      | null -> name, Error "the field's function is null."
                      | handler -> name, Handlers.create name field.PropertyType handler |> Result.map (Contract.describe field) ]
        { spec with Commands = spec.Commands @ commands }

    /// <summary>
    /// Serves a record of functions made for each call from its <see cref="T:Tino.CallContext"/>: the contract holds
    /// only what travels on the wire, and the implementation reads auth, connection state, cancellation and the
    /// publisher from the context (as Fable.Remoting's <c>fromContext</c> does). Each field is a command named as the
    /// field; the functions' parameter names (for error locations) are read from a record made once with a null
    /// context, when <c>create</c> can make one without reading it.
    /// </summary>
    /// <example><code>
    /// type Inventory = { adjust: string -> int -> Task&lt;Result&lt;int, StockError&gt;&gt; }
    /// let inventory (call: CallContext) =
    ///     { adjust = fun sku delta -> task { let user = call.RequireAuth&lt;string&gt;() in ... } }
    /// let app = tino { auth check; implement_with inventory }
    /// </code></example>
    [<CustomOperation("implement_with")>]
    member _.ImplementWith(spec: TinoSpec, create: CallContext -> 'Api) =
        let contract = typeof<'Api>
        let sample =
            try
                box (create (Unchecked.defaultof<CallContext>))
            with _ ->
                null
        let commands =
            match Contract.fields contract with
            | Error reason -> [ contract.Name, Error reason ]
            | Ok fields ->
                [ for field in fields ->
                      let name = Contract.commandName field
                      let handler, handlerType = ContractParts.InContext(create, field)
                      let sampleFunction = match sample with null -> null | record -> field.GetValue record
                      name, Handlers.createInContext name handlerType handler sampleFunction |> Result.map (Contract.describe field) ]
        { spec with Commands = spec.Commands @ commands }

    /// <summary>
    /// Gives the command <c>name</c> (declared anywhere in the expression) a one-line description, shown by
    /// <c>TINO.SCHEMA</c>, <c>COMMAND DOCS</c> (redis-cli's hints) and <c>tino describe</c>. The fields of a record
    /// served with <c>implement</c> or <c>implement_with</c> are described by their <c>///</c> docs (or a
    /// <c>[&lt;Description&gt;]</c>) when the project writes its XML documentation file.
    /// </summary>
    [<CustomOperation("describe")>]
    member _.Describe(spec: TinoSpec, name: string, description: string) =
        { spec with Descriptions = spec.Descriptions @ [ name, description ] }

    /// <summary>
    /// Marks the command <c>name</c> (declared anywhere in the expression) idempotent: calling it twice with the same
    /// arguments does what calling it once does, so a call whose reply was lost may be sent again. <c>TINO.SCHEMA</c>
    /// and <c>COMMAND INFO</c> say so. A field of a record served with <c>implement</c> may carry <c>[&lt;Idempotent&gt;]</c> instead.
    /// </summary>
    [<CustomOperation("idempotent")>]
    member _.Idempotent(spec: TinoSpec, name: string) = { spec with Idempotent = spec.Idempotent @ [ name ] }

    /// Authenticates `AUTH` passwords: `Some value` accepts, becoming the connection's auth value; `None` refuses.
    [<CustomOperation("auth")>]
    member _.Auth(spec: TinoSpec, authenticate: string -> 'T option) =
        let check (credentials: AuthCredentials) (_: CancellationToken) =
            ValueTask<objnull>(TinoBuilder.AuthValue(authenticate credentials.PasswordText))
        { spec with Auth = spec.Auth @ [ AuthHandler(typeof<'T>, Func<_, _, _> check) ] }

    /// Authenticates `AUTH [username] password` asynchronously, with the whole credentials.
    [<CustomOperation("auth_async")>]
    member _.AuthAsync(spec: TinoSpec, authenticate: AuthCredentials -> Async<'T option>) =
        let check (credentials: AuthCredentials) (cancellation: CancellationToken) =
            let accepted =
                task {
                    let! value = Async.StartImmediateAsTask(authenticate credentials, cancellation)
                    return TinoBuilder.AuthValue value
                }
            ValueTask<objnull>(accepted)
        { spec with Auth = spec.Auth @ [ AuthHandler(typeof<'T>, Func<_, _, _> check) ] }

    /// Gives each connection its own state, made by `create`; handlers take it as `ConnState<'T>`.
    [<CustomOperation("state")>]
    member _.State(spec: TinoSpec, create: unit -> 'T) =
        { spec with State = spec.State @ [ ConnectionStateFactory.Create<'T>(Func<'T> create) ] }

    /// Runs `hook` before the server accepts its first connection (hooks run in the order declared).
    [<CustomOperation("on_startup")>]
    member _.OnStartup(spec: TinoSpec, hook: unit -> Task) =
        { spec with OnStartup = spec.OnStartup @ [ Func<CancellationToken, Task>(fun _ -> hook ()) ] }

    /// Runs `hook` after the server has drained its connections.
    [<CustomOperation("on_shutdown")>]
    member _.OnShutdown(spec: TinoSpec, hook: unit -> Task) =
        { spec with OnShutdown = spec.OnShutdown @ [ Func<CancellationToken, Task>(fun _ -> hook ()) ] }

    /// <summary>
    /// Wraps every command in a middleware: a function of the rest of the pipeline (<c>next</c>) and the call's
    /// context. It runs after the auth check and argument decoding. (F# keeps the word <c>use</c> for bindings.)
    /// </summary>
    /// <example><code>use_middleware (fun next context -> printfn "%s" context.Command.Name; next context)</code></example>
    [<CustomOperation("use_middleware")>]
    member _.UseMiddleware(spec: TinoSpec, middleware: (CommandContext -> ValueTask) -> CommandContext -> ValueTask) =
        let wrap (next: CommandDelegate) =
            let run = middleware next.Invoke
            CommandDelegate(fun context -> run context)
        { spec with Middleware = spec.Middleware @ [ CommandMiddleware wrap ] }

    /// Replaces every option at once.
    [<CustomOperation("options")>]
    member _.Options(spec: TinoSpec, options: TinoOptions) = { spec with Options = options }

    /// How deep MessagePack values may nest (default 64).
    [<CustomOperation("max_nesting_depth")>]
    member _.MaxNestingDepth(spec: TinoSpec, depth: int) = option (nameof TinoOptions.Default.MaxNestingDepth) depth spec

    /// How many calls of one connection may run at once (default 1: one after another).
    [<CustomOperation("max_concurrent_calls")>]
    member _.MaxConcurrentCalls(spec: TinoSpec, calls: int) =
        option (nameof TinoOptions.Default.MaxConcurrentCallsPerConnection) calls spec

    /// Whether `UNEXPECTED_ERROR` carries the exception's message (default false: only an id, logged with it).
    [<CustomOperation("expose_exception_messages")>]
    member _.ExposeExceptionMessages(spec: TinoSpec, expose: bool) =
        option (nameof TinoOptions.Default.ExposeExceptionMessages) expose spec

    /// Limits on request frames (PROTOCOL.md section 8).
    [<CustomOperation("limits")>]
    member _.Limits(spec: TinoSpec, limits: RespLimits) = option (nameof TinoOptions.Default.Limits) limits spec

    /// How stream commands are served: plain reply limit, open cursors, read-ahead, poll timeout, idle lifetime.
    [<CustomOperation("stream_options")>]
    member _.StreamOptions(spec: TinoSpec, streams: StreamOptions) = option (nameof TinoOptions.Default.Streams) streams spec

    /// How server events are delivered: each subscriber's queue limit, and the channels that need auth.
    [<CustomOperation("event_options")>]
    member _.EventOptions(spec: TinoSpec, events: EventOptions) = option (nameof TinoOptions.Default.Events) events spec

    /// Only authenticated connections may receive the channels matching these Redis glob patterns.
    [<CustomOperation("auth_required_channels")>]
    member _.AuthRequiredChannels(spec: TinoSpec, patterns: string list) =
        let events = spec.Options.Events
        let changed = CSharpRecord.withProperty (nameof events.AuthRequiredChannels) (ImmutableArray.CreateRange(Seq.append events.AuthRequiredChannels patterns)) events
        option (nameof TinoOptions.Default.Events) changed spec

    /// <summary>
    /// Carries the app's events to the subscribers of its other instances:
    /// <c>event_backplane (RedisBackplane("redis://redis:6379"))</c> with <c>Tino.Redis</c>.
    /// </summary>
    [<CustomOperation("event_backplane")>]
    member _.EventBackplane(spec: TinoSpec, backplane: IEventBackplane) =
        let events = spec.Options.Events
        option (nameof TinoOptions.Default.Events) (CSharpRecord.withProperty (nameof events.Backplane) backplane events) spec

/// The `tino { }` expression.
[<AutoOpen>]
module TinoBuilderInstance =
    /// Builds a Tino app from commands, auth, state, hooks, middleware and options.
    let tino = TinoBuilder()
