namespace Tino.FSharp

open System
open System.Collections.Generic
open System.Runtime.ExceptionServices
open System.Threading
open System.Threading.Channels
open System.Threading.Tasks

/// An F# sequence as an async stream: each item as the sequence makes it, the cancellation checked between items.
type internal SeqStream<'T>(items: seq<'T>) =
    interface IAsyncEnumerable<'T> with
        member _.GetAsyncEnumerator(cancellation: CancellationToken) =
            let enumerator = items.GetEnumerator()
            { new IAsyncEnumerator<'T> with
                member _.Current = enumerator.Current
                member _.MoveNextAsync() =
                    cancellation.ThrowIfCancellationRequested()
                    ValueTask<bool>(enumerator.MoveNext())
                member _.DisposeAsync() =
                    enumerator.Dispose()
                    ValueTask.CompletedTask }

/// The reading end of a stream that a task writes with `emit`: a one-item channel between them, so the task runs
/// at most one item ahead of whoever reads; disposing the reader cancels the task's `emit`.
type internal ProducedStreamReader<'T>(produce: ('T -> ValueTask) -> Task, cancellation: CancellationToken) =
    let stop = CancellationTokenSource.CreateLinkedTokenSource cancellation
    let channel = Channel.CreateBounded<'T>(BoundedChannelOptions(1, SingleReader = true, SingleWriter = true))
    let mutable failure: ExceptionDispatchInfo | null = null
    let mutable current = Unchecked.defaultof<'T>
    let producer =
        task {
            try
                try
                    do! produce (fun item -> channel.Writer.WriteAsync(item, stop.Token))
                with
                | :? OperationCanceledException when stop.IsCancellationRequested -> ()
                | error -> failure <- ExceptionDispatchInfo.Capture error
            finally
                channel.Writer.TryComplete() |> ignore
        }

    member private _.Take() =
        match channel.Reader.TryRead() with
        | true, item ->
            current <- item
            true
        | _ ->
            match failure with
            | null -> false
            | error -> error.Throw(); false

    interface IAsyncEnumerator<'T> with
        member _.Current = current

        member this.MoveNextAsync() =
            if this.Take() then
                ValueTask<bool>(true)
            else
                ValueTask<bool>(
                    task {
                        let mutable found = false
                        let mutable ended = false
                        while not found && not ended do
                            let! more = channel.Reader.WaitToReadAsync(cancellation)
                            found <- this.Take()
                            ended <- not more && not found
                        return found
                    })

        member _.DisposeAsync() =
            ValueTask(
                task {
                    stop.Cancel()
                    try do! producer with _ -> ()
                    stop.Dispose()
                })

/// Makes the streams a stream command returns (PROTOCOL.md section 6): `seq { }` works as it is; these cover the rest.
[<RequireQualifiedAccess>]
module Stream =

    /// <summary>An F# sequence as a stream: items are made as the reader asks for them.</summary>
    let ofSeq (items: seq<'T>) : IAsyncEnumerable<'T> = SeqStream items

    /// <summary>
    /// A stream written by a task: <c>produce</c> gets <c>emit</c> and awaits it for each item, so items are made only
    /// as fast as they are read. When the reader stops early (CLOSE, a lost connection) <c>emit</c> throws
    /// <c>OperationCanceledException</c>, which ends the task quietly; any other exception ends the stream with it.
    /// </summary>
    /// <example><code>
    /// command "ticks" (fun (n: int) (cancellation: CancellationToken) ->
    ///     Stream.create (fun emit -> task {
    ///         for i in 1 .. n do
    ///             do! Task.Delay(100, cancellation)
    ///             do! emit i }))
    /// </code></example>
    let create (produce: ('T -> ValueTask) -> Task) : IAsyncEnumerable<'T> =
        { new IAsyncEnumerable<'T> with
            member _.GetAsyncEnumerator(cancellation) = new ProducedStreamReader<'T>(produce, cancellation) }
