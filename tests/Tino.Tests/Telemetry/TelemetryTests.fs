module Tino.Tests.Telemetry.TelemetryTests

open System
open System.Collections.Concurrent
open System.Diagnostics
open System.Diagnostics.Metrics
open Expecto
open Tino
open Tino.Tests.Hosting
open Tino.Tests.Hosting.TestServer
open Tino.Tests.Hosting.ServerTests
open Tino.Tests.Client.ClientTests

/// What the listeners heard: (instrument, value, tags) and the spans that ended.
type Heard = { Measurements: ConcurrentQueue<string * float * Map<string, string>>; Spans: ConcurrentQueue<Activity> }

let tagsOf (tags: ReadOnlySpan<Collections.Generic.KeyValuePair<string, objnull>>) =
    let mutable pairs = Map.empty
    for tag in tags do
        pairs <- pairs.Add(tag.Key, string tag.Value)
    pairs

/// Listens to Tino's meters and activity source while `body` runs.
let listening (body: Heard -> unit) =
    let heard = { Measurements = ConcurrentQueue(); Spans = ConcurrentQueue() }
    use meters = new MeterListener()
    meters.InstrumentPublished <- fun instrument listener ->
        if instrument.Meter.Name = TinoTelemetry.ServerMeterName || instrument.Meter.Name = TinoTelemetry.ClientMeterName then
            listener.EnableMeasurementEvents instrument
    meters.SetMeasurementEventCallback<int64>(MeasurementCallback<int64>(fun i v t _ -> heard.Measurements.Enqueue((i.Name, float v, tagsOf t))))
    meters.SetMeasurementEventCallback<float>(MeasurementCallback<float>(fun i v t _ -> heard.Measurements.Enqueue((i.Name, v, tagsOf t))))
    meters.Start()
    use spans =
        new ActivityListener(
            ShouldListenTo = (fun source -> source.Name = TinoTelemetry.ServerActivitySourceName || source.Name = TinoTelemetry.ClientActivitySourceName),
            Sample = (fun _ -> ActivitySamplingResult.AllDataAndRecorded),
            ActivityStopped = (fun activity -> heard.Spans.Enqueue activity))
    ActivitySource.AddActivityListener spans
    body heard

let measured (heard: Heard) name (tags: (string * string) list) =
    heard.Measurements |> Seq.filter (fun (n, _, t) -> n = name && tags |> List.forall (fun (k, v) -> t.TryFind k = Some v)) |> List.ofSeq

[<Tests>]
let telemetry =
    testSequenced <| testList "Telemetry" [
        test "the server counts calls by command and result code, times them, and opens a span per call" {
            listening (fun heard ->
                withServer (fun server ->
                    use c = connect server
                    c.Call("add", mp 1, mp 2) |> ignore
                    c.Call("fail", mp "NOT_FOUND", mp "gone") |> ignore
                    c.Call("crash") |> ignore
                    c.Call("whoami") |> ignore)
                let calls name code = measured heard "tino.server.calls" [ "rpc.system", "tino"; "rpc.method", name; "rpc.response.status_code", code ]
                Expect.isNonEmpty (calls "ADD" "OK") "add counted as OK"
                Expect.isNonEmpty (calls "FAIL" "NOT_FOUND") "fail counted with its code"
                Expect.isNonEmpty (calls "CRASH" "UNEXPECTED_ERROR") "crash counted as UNEXPECTED_ERROR"
                Expect.isNonEmpty (calls "WHOAMI" "PERMISSION_DENIED") "refusals counted"
                let durations = measured heard "rpc.server.call.duration" [ "rpc.method", "ADD" ]
                Expect.isNonEmpty durations "add timed"
                Expect.isTrue (durations |> List.forall (fun (_, seconds, _) -> seconds >= 0.0)) "in seconds"
                let span name = heard.Spans |> Seq.tryFind (fun a -> a.OperationName = name && a.GetTagItem "rpc.system" = box "tino")
                let add = Expect.wantSome (span "ADD") "a span for add"
                Expect.equal (add.GetTagItem "rpc.method") (box "ADD") "rpc.method"
                Expect.equal add.Status ActivityStatusCode.Unset "no error"
                let failed = Expect.wantSome (span "FAIL") "a span for fail"
                Expect.equal (failed.Status, failed.StatusDescription) (ActivityStatusCode.Error, "NOT_FOUND") "the error code on failure")
        }
        test "the server reports open connections, bytes both ways and open cursors" {
            listening (fun heard ->
                withServer (fun server ->
                    use c = connect server
                    c.Call("add", mp 1, mp 2) |> ignore
                    let started = c.Call("ITER", ascii "range", mp 1000)
                    let cursor = text started.Items[0]
                    Expect.equal (text (c.Call("CLOSE", ascii cursor))) "OK" "closed")
                Expect.isNonEmpty (measured heard "tino.server.active_connections" [] |> List.filter (fun (_, v, _) -> v = 1.0)) "a connection opened"
                Expect.isNonEmpty (measured heard "tino.server.active_connections" [] |> List.filter (fun (_, v, _) -> v = -1.0)) "and closed"
                let bytes direction = measured heard "tino.server.network.io" [ "network.io.direction", direction ] |> List.sumBy (fun (_, v, _) -> v)
                Expect.isGreaterThan (bytes "receive") 20.0 "bytes received"
                Expect.isGreaterThan (bytes "transmit") 4.0 "bytes sent"
                let cursors = measured heard "tino.server.open_cursors" [] |> List.map (fun (_, v, _) -> v)
                Expect.contains cursors 1.0 "a cursor opened"
                Expect.contains cursors -1.0 "and closed")
        }
        test "the client counts and times its calls by command and result code" {
            listening (fun heard ->
                withClient (fun _ client ->
                    await (call<int64> client "add" [ arg 1; arg 2 ]) |> ignore
                    try await (call<unit> client "fail" [ argText "NOT_FOUND"; argText "gone" ]) with _ -> ())
                Expect.isNonEmpty (measured heard "tino.client.calls" [ "rpc.method", "add"; "rpc.response.status_code", "OK" ]) "add"
                Expect.isNonEmpty (measured heard "tino.client.calls" [ "rpc.method", "fail"; "rpc.response.status_code", "NOT_FOUND" ]) "fail"
                Expect.isNonEmpty (measured heard "rpc.client.call.duration" [ "rpc.method", "add" ]) "timed")
        }
        test "the client opens a span per call, a child of the caller's activity, ended by the reply, without taking the caller's place" {
            listening (fun heard ->
                use caller = new ActivitySource("caller of Tino")
                use callerListener =
                    new ActivityListener(
                        ShouldListenTo = (fun source -> source.Name = "caller of Tino"),
                        Sample = (fun _ -> ActivitySamplingResult.AllDataAndRecorded))
                ActivitySource.AddActivityListener callerListener
                withClient (fun _ client ->
                    use outer = caller.StartActivity("outer")
                    await (call<int64> client "add" [ arg 1; arg 2 ]) |> ignore
                    Expect.equal Activity.Current outer "the caller's activity is current again after the call"
                    try await (call<unit> client "fail" [ argText "NOT_FOUND"; argText "gone" ]) with _ -> ()
                    let clientSpan name = heard.Spans |> Seq.tryFind (fun a -> a.Source.Name = TinoTelemetry.ClientActivitySourceName && a.OperationName = name)
                    let add = Expect.wantSome (clientSpan "add") "a client span for add"
                    Expect.equal add.Kind ActivityKind.Client "kind Client"
                    Expect.equal add.ParentSpanId (nonNull outer).SpanId "a child of the caller's activity"
                    Expect.equal (add.GetTagItem "rpc.system", add.GetTagItem "rpc.method") (box "tino", box "add") "rpc tags"
                    Expect.equal (add.GetTagItem "server.address") (box "127.0.0.1") "server.address"
                    Expect.equal add.Status ActivityStatusCode.Unset "no error"
                    let failed = Expect.wantSome (clientSpan "fail") "a client span for fail"
                    Expect.equal (failed.Status, failed.StatusDescription) (ActivityStatusCode.Error, "NOT_FOUND") "the error code"))
        }
    ]
