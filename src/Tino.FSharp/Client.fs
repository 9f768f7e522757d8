namespace Tino.FSharp

open System
open System.Collections.Generic
open System.Threading.Tasks
open Microsoft.FSharp.Reflection
open Tino
open Tino.Client
open Tino.FSharp.Serialization

/// `arg`, for the argument lists of `Client.call`.
[<AutoOpen>]
module ClientArguments =

    /// One argument of a call: numbers, strings and bytes as they are, any other value (records, unions, lists, ...)
    /// with the client's MessagePack options.
    let arg (value: 'T) : TinoArg = TinoArg.From value

/// <summary>
/// Calling a Tino server from F#: connect, then call commands by name (<c>Client.call</c>) or through a record of
/// functions (<c>Client.proxy</c>), the same record type that <c>tino { implement ... }</c> serves. Every function
/// takes an <see cref="T:Tino.Client.ITinoClient"/>: a <see cref="T:Tino.Client.TinoClient"/> (<c>Client.connect</c>:
/// one connection shared by any number of callers, reconnected when lost) or a
/// <see cref="T:Tino.Client.TinoClusterClient"/> (<c>Client.connectCluster</c>: several servers of the same app, each
/// call to the next healthy one).
/// </summary>
/// <example><code>
/// type MathApi = { add: int -> int -> Task&lt;int64&gt; }
///
/// task {
///     use! client = Client.connect "redis://127.0.0.1:7534"
///     let! three = Client.call&lt;int64&gt; client "add" [ arg 1; arg 2 ]
///     let math = Client.proxy&lt;MathApi&gt; client
///     let! seven = math.add 3 4
///     ()
/// }
/// </code></example>
[<RequireQualifiedAccess>]
module Client =

    /// <summary>
    /// <c>options</c> with F# types on the wire (<c>FSharpMessagePack.options</c>) unless they name their own serializer:
    /// for a client made some other way, such as the test host of a C# app
    /// (<c>TinoTestHost.StartAsync(app, Client.withFSharpTypes options)</c>).
    /// </summary>
    let withFSharpTypes (options: TinoClientOptions) =
        match options.Serializer with
        | null -> CSharpRecord.withProperty (nameof options.Serializer) FSharpMessagePack.options options
        | _ -> options

    /// <summary>
    /// Client middleware from a function of the rest of the pipeline (<c>next</c>) and the call, as the server's
    /// <c>use_middleware</c> takes one: <c>Client.middleware (fun next call -> next (call.WithMetadata("tenant", "acme")))</c>.
    /// </summary>
    let middleware (wrap: (TinoCall -> ValueTask<ReadOnlyMemory<byte>>) -> TinoCall -> ValueTask<ReadOnlyMemory<byte>>) : TinoClientMiddleware =
        TinoClientMiddleware(fun next ->
            let run = wrap next.Invoke
            TinoCallHandler(fun call -> run call))

    /// `options` with `middleware` run after the middleware they already have.
    let withMiddleware (middleware: TinoClientMiddleware list) (options: TinoClientOptions) =
        let existing = match options.Middleware with | null -> [] | list -> List.ofSeq list
        CSharpRecord.withProperty (nameof options.Middleware) (Array.ofList (existing @ middleware) :> IReadOnlyList<TinoClientMiddleware>) options

    /// Connects to `redis://[user:password@]host[:port]` (or `rediss://` for TLS) with `options` (credentials,
    /// timeouts, TLS), F# types on the wire unless the options name a serializer.
    let connectWith (options: TinoClientOptions) (uri: string) : Task<TinoClient> =
        TinoClient.ConnectAsync(uri, withFSharpTypes options)

    /// Connects to `redis://[user:password@]host[:port]` (or `rediss://` for TLS), with F# types on the wire.
    let connect (uri: string) : Task<TinoClient> = connectWith TinoClientOptions.Default uri

    /// <summary>
    /// Connects to several servers of the same app at once, each a <c>redis://</c> or <c>rediss://</c> URI, with F#
    /// types on the wire unless <c>options.Client</c> names a serializer. Calls go to the next healthy server in turn;
    /// see <see cref="T:Tino.Client.TinoClusterClient"/>.
    /// </summary>
    let connectClusterWith (options: TinoClusterOptions) (uris: string list) : Task<TinoClusterClient> =
        let options = CSharpRecord.withProperty (nameof options.Client) (withFSharpTypes options.Client) options
        TinoClusterClient.ConnectAsync(uris, options)

    /// Connects to several servers of the same app at once, with F# types on the wire and the default health checks.
    let connectCluster (uris: string list) : Task<TinoClusterClient> = connectClusterWith TinoClusterOptions.Default uris

    /// <summary>
    /// The seed's <c>app.client()</c>: connects to a server of <c>app</c> at <c>uri</c>, speaking the app's MessagePack
    /// options, with a client that checks each call's name and number of arguments against the app's commands before
    /// sending it (see <c>app.ConnectClientAsync</c>).
    /// </summary>
    let connectApp (app: TinoApp) (options: TinoClientOptions) (uri: string) : Task<TinoClient> = app.ConnectClientAsync(uri, options)

    /// Calls `command` with `arguments` (`[ arg 1; arg "two" ]`) and decodes the reply as `'T`. Errors raise
    /// `TinoRemoteException` or a subclass (`TinoArgumentException`, `TinoCommandNotFoundException`, `TinoPermissionException`).
    let call<'T> (client: ITinoClient) (command: string) (arguments: TinoArg list) : Task<'T> =
        client.CallAsync<'T>(command, ReadOnlySpan(Array.ofList arguments)).AsTask()

    /// `call` as an `Async`: the call starts when the async does, and cancelling the async cancels the call.
    let callAsync<'T> (client: ITinoClient) (command: string) (arguments: TinoArg list) : Async<'T> =
        async {
            let! token = Async.CancellationToken
            return! TaskAwait.inAsync(client.CallAsync<'T>(command, token, ReadOnlySpan(Array.ofList arguments)).AsTask())
        }

    /// Calls `command` for its effect: the reply's value is not decoded.
    let send (client: ITinoClient) (command: string) (arguments: TinoArg list) : Task =
        client.CallAsync(command, ReadOnlySpan(Array.ofList arguments)).AsTask()

    /// <summary>
    /// The stream command <c>command</c> read item by item (<c>ITER</c> / <c>NEXT</c>); read it with
    /// <c>for item in Client.stream client "range" [ arg 10 ] do</c> inside <c>task { }</c> or <c>async { }</c>, or
    /// with <c>Stream.toList</c>. Leaving the loop early sends <c>CLOSE</c>.
    /// </summary>
    let stream<'T> (client: ITinoClient) (command: string) (arguments: TinoArg list) : IAsyncEnumerable<'T> =
        client.StreamAsync<'T>(command, ReadOnlySpan(Array.ofList arguments))

    /// <summary>
    /// The events published on <c>channel</c>, as they come, decoded as <c>'T</c>: read with <c>for</c> inside
    /// <c>task { }</c> or <c>async { }</c>; leaving the loop unsubscribes.
    /// </summary>
    let subscribe<'T> (client: ITinoClient) (channel: string) : IAsyncEnumerable<'T> = client.SubscribeAsync<'T>(channel)

    /// <summary>
    /// The record of functions <c>'Api</c> whose every field calls the command of its name on <c>client</c> (a client
    /// that speaks F# types: <c>Client.connect</c>'s, or a test host's of a <c>tino { }</c> app): each curried
    /// parameter is one argument, in order, except a <c>CancellationToken</c> (given to the call), <c>unit</c> and the
    /// parameters the server fills (<c>AuthRequired</c>, <c>Auth</c>, <c>ConnState</c>), which are not sent. Fields
    /// return <c>Task&lt;'T&gt;</c>, <c>ValueTask&lt;'T&gt;</c>, <c>Async&lt;'T&gt;</c> (cold: it calls when started,
    /// with the async's token), <c>Task</c>, <c>ValueTask</c> or <c>IAsyncEnumerable&lt;'T&gt;</c> (a stream command:
    /// each enumeration calls it, and leaving early sends CLOSE). The record is read with FSharp.Reflection here, once;
    /// calls run plain closures.
    /// </summary>
    /// <exception cref="T:Tino.TinoBuildException">'Api is not a record of functions, or a field returns something else.</exception>
    let proxy<'Api> (client: ITinoClient) : 'Api =
        let contract = typeof<'Api>
        match Contract.fields contract with
        | Error reason -> raise (TinoBuildException(null, reason))
        | Ok fields ->
            let functions =
                fields
                |> Array.map (fun field ->
                    let name = Contract.commandName field
                    match Proxy.functionOf client name field.PropertyType with
                    | Ok made -> made
                    | Error reason -> raise (TinoBuildException(name, $"{contract.Name}.{field.Name}: {reason}")))
            FSharpValue.MakeRecord(contract, functions, true) :?> 'Api
