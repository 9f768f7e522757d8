namespace Tino.FSharp

// The task builder's resumable-code types (TaskCode) are meant for builders: `For` below is one.
#nowarn "1204"

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

/// Awaiting tasks inside `async { }`.
module internal TaskAwait =

    /// Awaits `pending` in an `async`, failing with the task's own exception (`Async.AwaitTask` would raise an
    /// `AggregateException` around it).
    let inAsync (pending: Task<'T>) : Async<'T> =
        Async.FromContinuations(fun (succeed, fail, _) ->
            pending.ContinueWith(
                (fun (ended: Task<'T>) ->
                    if ended.IsCompletedSuccessfully then succeed ended.Result
                    elif ended.IsCanceled then fail (TaskCanceledException ended)
                    else
                        match ended.Exception with
                        | null -> fail (InvalidOperationException "the task failed without an exception")
                        | error when error.InnerExceptions.Count = 1 -> fail error.InnerExceptions[0]
                        | error -> fail error),
                TaskContinuationOptions.ExecuteSynchronously)
            |> ignore)

    /// `inAsync` for a `ValueTask`, without a task when it has already ended.
    let valueInAsync (pending: ValueTask<'T>) : Async<'T> =
        if pending.IsCompletedSuccessfully then async.Return pending.Result else inAsync (pending.AsTask())

/// <summary>
/// <c>for item in stream do</c> over an <c>IAsyncEnumerable</c> in <c>task { }</c> and <c>async { }</c>: each item is
/// awaited in turn, and leaving the loop early (an exception, a return) disposes the enumerator, which for a Tino
/// stream sends <c>CLOSE</c>. Opened with <c>Tino.FSharp</c>.
/// </summary>
[<AutoOpen>]
module AsyncEnumerableLoops =

    type TaskBuilderBase with

        /// <summary><c>for item in stream do ...</c> in <c>task { }</c>.</summary>
        member inline this.For(stream: IAsyncEnumerable<'T>, body: 'T -> TaskCode<'TOverall, unit>) : TaskCode<'TOverall, unit> =
            // Every step that calls the enumerator is delayed: where the compiler cannot make the task a state machine
            // (a top-level task, say), the code is built once and run as objects, and an undelayed MoveNextAsync would
            // be called once and its ValueTask awaited on every turn.
            this.Delay(fun () ->
                this.Using(
                    stream.GetAsyncEnumerator CancellationToken.None,
                    fun (items: IAsyncEnumerator<'T>) ->
                        let more = ref false
                        this.Combine(
                            this.Delay(fun () -> this.Bind(items.MoveNextAsync(), fun found -> (more.Value <- found; this.Zero()))),
                            this.While(
                                (fun () -> more.Value),
                                this.Combine(
                                    this.Delay(fun () -> body items.Current),
                                    this.Delay(fun () -> this.Bind(items.MoveNextAsync(), fun found -> (more.Value <- found; this.Zero()))))))))

    type AsyncBuilder with

        /// <summary><c>for item in stream do ...</c> in <c>async { }</c>, reading with the async's cancellation token.</summary>
        member this.For(stream: IAsyncEnumerable<'T>, body: 'T -> Async<unit>) : Async<unit> =
            async {
                let! cancellation = Async.CancellationToken
                let items = stream.GetAsyncEnumerator cancellation
                let rec loop () =
                    async {
                        let! more = TaskAwait.valueInAsync (items.MoveNextAsync())
                        if more then
                            do! body items.Current
                            return! loop ()
                    }
                let! ended = Async.Catch(loop ())
                do! TaskAwait.inAsync (task { do! items.DisposeAsync() })
                match ended with
                | Choice1Of2() -> ()
                | Choice2Of2 error -> ExceptionDispatchInfo.Throw error
            }

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

    /// <summary>Runs <c>action</c> on each item of <c>stream</c>, in order, as it arrives; ends when the stream ends.</summary>
    /// <example><code>do! client.StreamAsync&lt;int&gt;("range", 3) |> Stream.iter (printfn "%d")</code></example>
    let iter (action: 'T -> unit) (stream: IAsyncEnumerable<'T>) : Task =
        task {
            for item in stream do
                action item
        }

    /// <summary>Runs the task <c>action</c> on each item of <c>stream</c>, one after another.</summary>
    let iterTask (action: 'T -> Task) (stream: IAsyncEnumerable<'T>) : Task =
        task {
            for item in stream do
                do! action item
        }

    /// <summary>Reads every item of <c>stream</c> into a list.</summary>
    let toList (stream: IAsyncEnumerable<'T>) : Task<'T list> =
        task {
            let items = ResizeArray<'T>()
            for item in stream do
                items.Add item
            return List.ofSeq items
        }

    /// <summary>Reads every item of <c>stream</c> into an array.</summary>
    let toArray (stream: IAsyncEnumerable<'T>) : Task<'T[]> =
        task {
            let items = ResizeArray<'T>()
            for item in stream do
                items.Add item
            return items.ToArray()
        }
