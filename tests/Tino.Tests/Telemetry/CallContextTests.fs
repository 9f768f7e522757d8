/// The call context on the wire: metadata for middleware and handlers, deadlines that cancel and refuse, malformed
/// contexts refused, and a trace that crosses three services.
module Tino.Tests.Telemetry.CallContextTests

open System
open System.Collections.Concurrent
open System.Collections.Generic
open System.Diagnostics
open System.Threading
open System.Threading.Tasks
open Expecto
open MessagePack
open OpenTelemetry
open OpenTelemetry.Trace
open Tino
open Tino.Client
open Tino.FSharp
open Tino.Tests.Hosting.TestServer
open Tino.Tests.Hosting.ServerTests
open Tino.Tests.Interop.ClientInteropTests

/// A context argument: the marker byte, then the MessagePack map of `entries` (values: strings, integers, string maps).
let contextOf (entries: (string * objnull) list) : byte[] =
    let map = Dictionary<string, objnull>()
    for key, value in entries do
        map[key] <- value
    Array.append [| 0xC1uy |] (MessagePackSerializer.Serialize<Dictionary<string, objnull>>(map, Resolvers.ContractlessStandardResolver.Options))

let metadata (pairs: (string * string) list) : objnull = box (dict pairs |> Dictionary)

let traceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

/// What the handlers and middleware of `app` saw.
type Seen = { Middleware: ConcurrentQueue<string>; Ran: ConcurrentQueue<string>; Cancelled: ConcurrentQueue<string> }

let newSeen () = { Middleware = ConcurrentQueue(); Ran = ConcurrentQueue(); Cancelled = ConcurrentQueue() }

/// The test app, running up to `calls` calls of a connection at once.
let appWithCalls (seen: Seen) (calls: int) =
    tino {
        max_concurrent_calls calls
        command "add" (fun (a: int) (b: int) ->
            seen.Ran.Enqueue "add"
            a + b)
        command "count" (fun (n: int) -> Seq.init n id)
        command "tenant" (fun (call: CallContext) ->
            match call.Metadata.TryGetValue "tenant" with
            | true, tenant -> tenant
            | _ -> "none")
        command "deadline_ms" (fun (call: CallContext) ->
            call.Deadline |> Option.ofNullable |> Option.map (fun d -> int (d - DateTimeOffset.UtcNow).TotalMilliseconds) |> Option.defaultValue -1)
        command "wait" (fun (ms: int) (token: CancellationToken) ->
            task {
                seen.Ran.Enqueue "wait"
                try
                    do! Task.Delay(ms, token)
                    return ms
                with :? OperationCanceledException ->
                    seen.Cancelled.Enqueue "wait"
                    return raise (OperationCanceledException token)
            })
        use_middleware (fun next context ->
            match context.Metadata.TryGetValue "tenant" with
            | true, tenant -> seen.Middleware.Enqueue $"{context.Command.Name}:{tenant}"
            | _ -> ()
            next context)
    }

let app (seen: Seen) = appWithCalls seen 1

[<Tests>]
let wire =
    testSequenced <| testList "Call context on the wire" [
        test "the documented bytes: a context with trace, timeout and metadata before ADD's arguments" {
            // docs/protocol.md's example, byte for byte: C1, a 3-entry map, traceparent, timeout_ms 250, meta {tenant: acme}.
            let documented =
                Array.concat [
                    [| 0xC1uy; 0x83uy; 0xABuy |]; ascii "traceparent"; [| 0xD9uy; 0x37uy |]; ascii traceParent
                    [| 0xAAuy |]; ascii "timeout_ms"; [| 0xCCuy; 0xFAuy |]
                    [| 0xA4uy |]; ascii "meta"; [| 0x81uy; 0xA6uy |]; ascii "tenant"; [| 0xA4uy |]; ascii "acme"
                ]
            Expect.equal documented.Length 102 "the documented length"
            let seen = newSeen ()
            withApp (app seen) (fun server ->
                use c = connect server
                Expect.equal (value<int> (c.Call("add", documented, mp 1, mp 2))) 3 "the call ran with its arguments"
                Expect.equal (value<int> (c.Call("add", mp 1, mp 2))) 3 "a call without a context is what it was")
            Expect.equal (List.ofSeq seen.Middleware) [ "add:acme" ] "middleware read the metadata, once"
        }
        test "a handler reads the metadata from CallContext, in MessagePack and in JSON" {
            withApp (app (newSeen ())) (fun server ->
                use c = connect server
                let acme = contextOf [ "meta", metadata [ "tenant", "acme" ] ]
                Expect.equal (value<string> (c.Call("tenant", acme))) "acme" "MessagePack"
                Expect.equal (value<string> (c.Call("tenant"))) "none" "no context, no metadata"
                let json = Array.append [| 0xC1uy |] (ascii """{"meta":{"tenant":"json-co"},"timeout_ms":5000}""")
                Expect.equal (text (c.Call("TINO.JSON", ascii "tenant", json))) "\"json-co\"" "JSON, after the same marker"
                Expect.equal (text (c.Call("TINO.JSON", ascii "add", json, ascii "1", ascii "2"))) "3" "JSON with arguments")
        }
        test "a malformed context is refused with INVALID_CONTEXT and the call does not run; the connection goes on" {
            let seen = newSeen ()
            withApp (app seen) (fun server ->
                use c = connect server
                let refused (context: byte[]) = errorText (c.Call("add", context, mp 1, mp 2))
                Expect.stringStarts (refused [| 0xC1uy; 0xC1uy |]) "INVALID_CONTEXT" "the marker, then no map"
                Expect.stringStarts (refused (Array.append [| 0xC1uy |] (mp [| 1 |]))) "INVALID_CONTEXT \"the context must be a map" "an array"
                Expect.stringContains (refused (contextOf [ "timeout_ms", box "soon" ])) "timeout_ms must be an integer" "a string timeout"
                Expect.stringContains (refused (contextOf [ "timeout_ms", box -5 ])) "must not be negative" "a negative timeout"
                Expect.stringContains (refused (contextOf [ "traceparent", box "00-nothex-01" ])) "W3C traceparent" "a bad traceparent"
                Expect.stringContains (refused (contextOf [ "meta", box [| 1 |] ])) "meta must be a map" "meta as an array"
                let many = [ for i in 1..65 -> $"k{i}", "v" ]
                Expect.stringContains (refused (contextOf [ "meta", metadata many ])) "more than 64" "too many entries"
                let json = Array.append [| 0xC1uy |] (ascii "{not json")
                Expect.stringStarts (errorText (c.Call("TINO.JSON", ascii "add", json, ascii "1", ascii "2"))) "INVALID_CONTEXT \"the context is not JSON" "JSON"
                Expect.stringStarts (errorText (c.Call("add", [| 0xC1uy |], mp 2))) "INVALID_MSGPACK" "the marker alone is a bad argument, as ever"
                Expect.stringStarts (errorText (c.Call("add", contextOf [ "timeout_ms", box 100 ], mp 2))) "NUM_ARG_MISMATCH expected 2 got 1" "counted without the context"
                Expect.equal (value<int> (c.Call("add", contextOf [ "future_key", box 1 ], mp 1, mp 2))) 3 "unknown keys are skipped")
            Expect.equal (List.ofSeq seen.Ran) [ "add" ] "only the well-formed call ran"
        }
        test "a deadline cancels a running handler's token and the reply is DEADLINE_EXCEEDED" {
            let seen = newSeen ()
            withApp (app seen) (fun server ->
                use c = connect server
                let reply = errorText (c.Call("wait", contextOf [ "timeout_ms", box 200 ], mp 60_000))
                Expect.stringStarts reply "DEADLINE_EXCEEDED" "the deadline's code"
                Expect.equal (value<int> (c.Call("wait", contextOf [ "timeout_ms", box 60_000 ], mp 1))) 1 "a call within its deadline replies its value")
            Expect.equal (List.ofSeq seen.Cancelled) [ "wait" ] "the handler's token fired"
        }
        test "a call that arrived after its deadline is refused without running" {
            let seen = newSeen ()
            withApp (app seen) (fun server ->
                use c = connect server
                // Pipelined in one write: the second call waits behind the first's 300 ms, longer than its own 50 ms.
                c.Send(Array.append (request "wait" [ mp 300 ]) (request "add" [ contextOf [ "timeout_ms", box 50 ]; mp 1; mp 2 ]))
                Expect.equal (value<int> (c.ReadReply())) 300 "the slow call"
                Expect.stringStarts (errorText (c.ReadReply())) "DEADLINE_EXCEEDED \"the call arrived after its 50 ms timeout" "the late call"
                Expect.stringStarts (errorText (c.Call("add", contextOf [ "timeout_ms", box 0 ], mp 1, mp 2))) "DEADLINE_EXCEEDED" "timeout 0 is late by definition"
                Expect.stringStarts (errorText (c.Call("ITER", ascii "count", contextOf [ "timeout_ms", box 0 ], mp 3))) "DEADLINE_EXCEEDED" "a stream too"
                let opened = c.Call("ITER", ascii "count", contextOf [ "timeout_ms", box 5_000 ], mp 3)
                Expect.equal (opened.Items[1].Items |> Seq.map value<int> |> List.ofSeq) [ 0; 1; 2 ] "a stream within its deadline")
            Expect.equal (List.ofSeq seen.Ran) [ "wait" ] "add never ran"
        }
        test "a handler sees its deadline, and the server's span is the child of the caller's traceparent" {
            use spans = new ActivityListener(ShouldListenTo = (fun s -> s.Name = TinoTelemetry.ServerActivitySourceName), Sample = (fun _ -> ActivitySamplingResult.AllDataAndRecorded))
            let stopped = ConcurrentQueue<Activity>()
            spans.ActivityStopped <- fun a -> stopped.Enqueue a
            ActivitySource.AddActivityListener spans
            withApp (app (newSeen ())) (fun server ->
                use c = connect server
                let left = value<int> (c.Call("deadline_ms", contextOf [ "timeout_ms", box 10_000 ]))
                Expect.isTrue (left > 0 && left <= 10_000) $"the deadline is within the timeout from now ({left} ms)"
                Expect.equal (value<int> (c.Call("deadline_ms"))) -1 "no context, no deadline"
                Expect.equal (value<int> (c.Call("add", contextOf [ "traceparent", box traceParent ], mp 1, mp 2))) 3 "traced call")
            let add = stopped |> Seq.find (fun a -> a.OperationName = "ADD" && a.TraceId.ToHexString() = "4bf92f3577b34da6a3ce929d0e0e4736")
            Expect.equal (add.TraceId.ToHexString()) "4bf92f3577b34da6a3ce929d0e0e4736" "the caller's trace"
            Expect.equal (add.ParentSpanId.ToHexString()) "00f067aa0ba902b7" "the caller's span is the parent"
            Expect.isTrue add.HasRemoteParent "a remote parent"
        }
    ]

let connectClient (server: Hosting.TinoServer) (options: TinoClientOptions) =
    TinoClient.ConnectAsync($"redis://127.0.0.1:{portOf server}", options).GetAwaiter().GetResult()

/// Waits until `seen` shows `what`, for a call that must have started before the test goes on.
let waitFor (queue: ConcurrentQueue<string>) (what: string) =
    let started = Stopwatch.StartNew()
    while not (Seq.contains what queue) && started.Elapsed < TimeSpan.FromSeconds 10.0 do
        Thread.Sleep 10
    Expect.contains queue what $"{what} happened"

[<Tests>]
let cancelling =
    testSequenced <| testList "Cancelling a call" [
        for overlap in [ 1; 4 ] do
            yield test $"TINO.CANCEL fires the running call's token; the call replies CANCELLED, the cancel 1 (calls per connection: {overlap})" {
                let seen = newSeen ()
                withApp (appWithCalls seen overlap) (fun server ->
                    use c = connect server
                    c.Send(request "wait" [ contextOf [ "id", box "job-1" ]; mp 60_000 ])
                    waitFor seen.Ran "wait"
                    c.Send(request "TINO.CANCEL" [ ascii "job-1" ])
                    Expect.equal (errorText (c.ReadReply())) "CANCELLED \"the caller cancelled the call\"" "the call's reply, in its place"
                    Expect.equal (c.ReadReply()).Integer 1L "the cancel took effect"
                    Expect.equal (c.Call("TINO.CANCEL", ascii "job-1")).Integer 0L "a finished call cannot be cancelled"
                    Expect.equal (value<int> (c.Call("add", mp 1, mp 2))) 3 "the connection goes on")
                Expect.equal (List.ofSeq seen.Cancelled) [ "wait" ] "the handler's token fired"
            }
        yield test "a call cancelled before it started is not run" {
            let seen = newSeen ()
            withApp (app seen) (fun server ->
                use c = connect server
                c.Send(Array.concat [ request "wait" [ mp 300 ]; request "add" [ contextOf [ "id", box 7 ]; mp 1; mp 2 ]; request "TINO.CANCEL" [ ascii "7" ] ])
                Expect.equal (value<int> (c.ReadReply())) 300 "the running call"
                Expect.stringStarts (errorText (c.ReadReply())) "CANCELLED \"the caller cancelled the call before it started" "the cancelled one"
                Expect.equal (c.ReadReply()).Integer 1L "the cancel took effect"
                Expect.equal (c.Call("TINO.CANCEL", ascii "unknown")).Integer 0L "no such call")
            Expect.equal (List.ofSeq seen.Ran) [ "wait" ] "add never ran"
        }
        yield test "cancelling TinoClient's call fires the handler's token on the server" {
            let seen = newSeen ()
            withApp (app seen) (fun server ->
                let client = connectClient server TinoClientOptions.Default
                try
                    use cancel = new CancellationTokenSource()
                    let pending = client.CallAsync<int>("wait", cancel.Token, ReadOnlySpan [| TinoArg.op_Implicit 60_000 |]).AsTask()
                    waitFor seen.Ran "wait"
                    cancel.Cancel()
                    Expect.throwsT<OperationCanceledException> (fun () -> pending.GetAwaiter().GetResult() |> ignore) "the wait ends at once"
                    waitFor seen.Cancelled "wait"
                    Expect.equal (client.CallAsync<int>("add", CancellationToken.None, ReadOnlySpan [| TinoArg.op_Implicit 1; TinoArg.op_Implicit 2 |]).AsTask().Result) 3 "the client goes on"
                finally
                    client.DisposeAsync().AsTask().Wait())
        }
    ]

/// Calls `command` on `client` without arguments.
let callNoArgs<'T> (client: TinoClient) (command: string) (token: CancellationToken) =
    client.CallAsync<'T>(command, token, ReadOnlySpan<TinoArg>([||])).AsTask()


[<Tests>]
let acrossServices =
    testSequenced <| testList "Call context across services" [
        test "A calls B calls C through TinoClient: one trace, every span's parent right, and C sees what is left of A's deadline" {
            let exported = List<Activity>()
            use _tracing =
                Sdk.CreateTracerProviderBuilder()
                    .AddSource("A", TinoTelemetry.ClientActivitySourceName, TinoTelemetry.ServerActivitySourceName)
                    .AddInMemoryExporter(exported)
                    .Build()
            use serviceA = new ActivitySource("A")
            let leaf =
                tino {
                    command "leaf" (fun (call: CallContext) ->
                        call.Deadline |> Option.ofNullable |> Option.map (fun d -> int (d - DateTimeOffset.UtcNow).TotalMilliseconds) |> Option.defaultValue -1)
                }
            let serverC = (startServer leaf).GetAwaiter().GetResult()
            // B's own call timeout is the default 30 s: what C sees must come from A's 4 s.
            let bToC = connectClient serverC TinoClientOptions.Default
            let middle = tino { command "middle" (fun (token: CancellationToken) -> callNoArgs<int> bToC "leaf" token) }
            let serverB = (startServer middle).GetAwaiter().GetResult()
            let aToB = connectClient serverB (TinoClientOptions(CallTimeout = TimeSpan.FromSeconds 4.0))
            let root = nonNull (serviceA.StartActivity("handle request"))
            let left =
                try
                    (callNoArgs<int> aToB "middle" CancellationToken.None).GetAwaiter().GetResult()
                finally
                    root.Stop()
                    for resource in [ aToB :> IAsyncDisposable; serverB; bToC; serverC ] do
                        resource.DisposeAsync().AsTask().GetAwaiter().GetResult()
            Expect.isTrue (left > 0 && left <= 4_000) $"C's deadline is what is left of A's 4 s ({left} ms)"
            let trace = root.TraceId
            let spans () = lock exported (fun () -> exported |> Seq.filter (fun a -> a.TraceId = trace) |> List.ofSeq)
            let deadline = Stopwatch.StartNew()
            while (spans ()).Length < 5 && deadline.Elapsed < TimeSpan.FromSeconds 10.0 do
                Thread.Sleep 20
            let all = spans ()
            let find name kind =
                all |> List.tryFind (fun a -> a.OperationName = name && a.Kind = kind) |> fun found -> Expect.wantSome found $"a {kind} span {name} in the trace"
            let middleClient = find "middle" ActivityKind.Client
            let middleServer = find "MIDDLE" ActivityKind.Server
            let leafClient = find "leaf" ActivityKind.Client
            let leafServer = find "LEAF" ActivityKind.Server
            Expect.equal all.Length 5 "A's span and a client and a server span per hop, all in one trace"
            Expect.equal middleClient.ParentSpanId root.SpanId "A's call is a child of A's span"
            Expect.equal middleServer.ParentSpanId middleClient.SpanId "B's server span is a child of A's client span"
            Expect.equal leafClient.ParentSpanId middleServer.SpanId "B's call to C is a child of B's server span"
            Expect.equal leafServer.ParentSpanId leafClient.SpanId "C's server span is a child of B's client span"
        }
    ]

[<Tests>]
let sample =
    test "the README's services sample runs, prints what its comments say, and is shown as it is" {
        let code, out, err = Tino.Tests.Interop.RealClientTests.run "dotnet" [ Tino.Tests.ScaleOut.Processes.sampleDll "Services.CSharp" ] (TimeSpan.FromMinutes 1.0)
        Expect.equal code 0 $"exit code ({err})"
        let printed =
            [ "caller: place_order"; "inventory: stock for orders"; "apples: 7 in stock"
              "inventory: recount for orders"; "inventory: recount cancelled by its caller" ]
        Expect.equal (out.Replace("\r", "")) (String.Join("\n", printed) + "\n") "the deadline reached inventory, and the cancel did"
        let path = "samples/Services.CSharp/Program.cs"
        let source = IO.File.ReadAllText(IO.Path.Combine(__SOURCE_DIRECTORY__, "..", "..", "..", path))
        Expect.equal (readmeBlock path) source path
    }
