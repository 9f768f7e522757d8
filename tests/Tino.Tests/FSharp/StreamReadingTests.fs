/// Reading a stream in F#: `for item in stream do` inside `task { }` and `async { }`, and the Stream module's readers,
/// over a real server's stream command and over a stream that records how it was left.
module Tino.Tests.FSharp.StreamReadingTests

open System
open System.Collections.Generic
open System.Threading
open System.Threading.Tasks
open Expecto
open Tino
open Tino.Client
open Tino.FSharp
open Tino.Tests.Client.Hosts

/// Counts to `n`, one item per MoveNextAsync, and remembers whether it was disposed.
type private Counting(n: int) =
    member val Disposed = false with get, set
    interface IAsyncEnumerable<int> with
        member this.GetAsyncEnumerator _ =
            let mutable current = 0
            { new IAsyncEnumerator<int> with
                member _.Current = current
                member _.MoveNextAsync() =
                    current <- current + 1
                    ValueTask<bool>(task {
                        do! Task.Yield()
                        return current <= n })
                member _.DisposeAsync() =
                    this.Disposed <- true
                    ValueTask.CompletedTask }

let private rangeApp () = tino { command "range" (fun (n: int) -> seq { 0 .. n - 1 }) }

[<Tests>]
let tests =
    testList "F# stream reading" [
        test "for in task { } reads every item of a server's stream, in order" {
            withHost (rangeApp ()) TinoClientOptions.Default (fun host ->
                let read =
                    task {
                        let items = ResizeArray()
                        for i in Client.stream<int> host.Client "range" [ arg 300 ] do
                            items.Add i
                        return List.ofSeq items
                    }
                Expect.equal (read.GetAwaiter().GetResult()) [ 0 .. 299 ] "every item")
        }
        test "for in async { } reads every item too" {
            withHost (rangeApp ()) TinoClientOptions.Default (fun host ->
                let read =
                    async {
                        let items = ResizeArray()
                        for i in Client.stream<int> host.Client "range" [ arg 5 ] do
                            do! Async.Sleep 1
                            items.Add i
                        return List.ofSeq items
                    }
                Expect.equal (Async.RunSynchronously read) [ 0 .. 4 ] "every item")
        }
        test "Stream.toList, toArray and iter read a stream whole" {
            withHost (rangeApp ()) TinoClientOptions.Default (fun host ->
                let stream () = Client.stream<int> host.Client "range" [ arg 4 ]
                Expect.equal ((Stream.toList (stream ())).GetAwaiter().GetResult()) [ 0; 1; 2; 3 ] "toList"
                Expect.equal ((Stream.toArray (stream ())).GetAwaiter().GetResult()) [| 0; 1; 2; 3 |] "toArray"
                let seen = ResizeArray()
                (stream () |> Stream.iter seen.Add).GetAwaiter().GetResult()
                Expect.equal (List.ofSeq seen) [ 0; 1; 2; 3 ] "iter")
        }
        test "leaving a task's loop by an exception disposes the stream, and the exception comes out" {
            let counting = Counting 1000
            let read =
                task {
                    for i in counting do
                        if i = 3 then failwith "enough"
                }
            let error = Expect.throwsC (fun () -> read.GetAwaiter().GetResult()) id
            Expect.equal error.Message "enough" "the loop's own exception"
            Expect.isTrue counting.Disposed "disposed"
        }
        test "leaving an async's loop by an exception disposes the stream too" {
            let counting = Counting 1000
            let read =
                async {
                    for i in counting do
                        if i = 3 then failwith "enough"
                }
            let error = Expect.throwsC (fun () -> Async.RunSynchronously read) id
            Expect.equal error.Message "enough" "the loop's own exception"
            Expect.isTrue counting.Disposed "disposed"
        }
        test "a loop that ends disposes the stream" {
            let counting = Counting 3
            let total = task {
                let mutable sum = 0
                for i in counting do
                    sum <- sum + i
                return sum }
            Expect.equal (total.GetAwaiter().GetResult()) 6 "1 + 2 + 3"
            Expect.isTrue counting.Disposed "disposed"
        }
    ]
