/// The event-loop transport on its own: a SocketChannel over a real loopback connection, its reader and writer
/// driven the way a connection drives them.
module Tino.Tests.Hosting.TransportTests

open System
open System.Buffers
open System.IO
open System.Net
open System.Net.Sockets
open System.Threading
open System.Threading.Tasks
open Expecto
open FsCheck.FSharp
open Tino
open Tino.Hosting.Transport
open Tino.Tests.Hosting.TestServer
open Tino.Tests.Generators
open Tino.Tests.Hosting.ServerTests

/// A connected pair on 127.0.0.1: the client socket, and the accepted one inside a SocketChannel.
type Pair() =
    let listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp)
    do listener.Bind(IPEndPoint(IPAddress.Loopback, 0))
    do listener.Listen 1
    let client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp)
    do client.Connect(nonNull listener.LocalEndPoint)
    let accepted = listener.Accept()
    let channel = SocketChannel accepted
    member _.Client = client
    member _.Channel = channel
    member _.Accepted = accepted
    interface IDisposable with
        member _.Dispose() =
            channel.Input.Complete()
            channel.Output.Complete()
            accepted.Dispose()
            client.Dispose()
            listener.Dispose()

let wait (task: Task<'T>) =
    if not (task.Wait(TimeSpan.FromSeconds 10.)) then failtest "the transport did not answer within 10 s"
    task.Result

let readAll (socket: Socket) (count: int) =
    let received = Array.zeroCreate<byte> count
    let mutable at = 0
    while at < count do
        let n = socket.Receive(received, at, count - at, SocketFlags.None)
        if n = 0 then failtest "the peer closed early"
        at <- at + n
    received

[<Tests>]
let transportTests =
    testList "event-loop transport" [
        test "a read waits for bytes, returns them, and lets go of its buffer once they are consumed" {
            use pair = new Pair()
            let input = pair.Channel.Input
            let read = input.ReadAsync().AsTask()
            Thread.Sleep 50
            Expect.isFalse read.IsCompleted "nothing was sent yet"
            pair.Client.Send("PING\r\n"B) |> ignore
            let result = wait read
            Expect.equal (result.Buffer.ToArray()) "PING\r\n"B "the bytes sent"
            Expect.isTrue input.HoldsBuffer "holds the unconsumed bytes"
            input.AdvanceTo(result.Buffer.End)
            Expect.isFalse input.HoldsBuffer "an idle connection holds no receive buffer"
        }
        test "bytes examined but not consumed stay, and a request bigger than the first buffer grows it" {
            use pair = new Pair()
            let input = pair.Channel.Input
            let payload = Array.init (300 * 1024) (fun i -> byte (i * 7))
            let sender = Task.Run(fun () -> for offset in 0 .. 1000 .. payload.Length - 1 do pair.Client.Send(payload, offset, min 1000 (payload.Length - offset), SocketFlags.None) |> ignore)
            let mutable last = ReadOnlySequence<byte>.Empty
            while last.Length < int64 payload.Length do
                let result = wait (input.ReadAsync().AsTask())
                last <- result.Buffer
                input.AdvanceTo(result.Buffer.Start, result.Buffer.End)
            sender.Wait()
            Expect.equal (last.ToArray()) payload "every byte, in order, in one buffer"
        }
        test "a request of known size gets a buffer of its size in a few steps, each at most sixteen times the bytes received" {
            use pair = new Pair()
            let input = pair.Channel.Input
            let size = 3 * 1024 * 1024 + 17
            let payload = Array.init size (fun i -> byte (i * 7))
            pair.Client.Send(payload, 0, 1000, SocketFlags.None) |> ignore
            let first = wait (input.ReadAsync().AsTask())
            Expect.equal first.Buffer.Length 1000L "the first bytes"
            input.AdvanceTo(first.Buffer.Start, first.Buffer.End)
            input.ExpectUnreadBytes(int64 size) // what the parser reports once the request's lengths have arrived
            let sender = Task.Run(fun () -> pair.Client.Send(payload, 1000, size - 1000, SocketFlags.None) |> ignore)
            let lengths = ResizeArray [ input.BufferLength ]
            let mutable last = ReadOnlySequence<byte>.Empty
            while last.Length < int64 size do
                let result = wait (input.ReadAsync().AsTask())
                if input.BufferLength <> lengths[lengths.Count - 1] then
                    Expect.isLessThanOrEqual (int64 input.BufferLength) (32L * result.Buffer.Length) "at most sixteen times what arrived, as pool sizes round up to a power of two"
                    lengths.Add input.BufferLength
                last <- result.Buffer
                input.AdvanceTo(result.Buffer.Start, result.Buffer.End)
            sender.Wait()
            Expect.equal (last.ToArray()) payload "every byte, in order, in one buffer"
            Expect.isLessThanOrEqual lengths.Count 5 $"grown in a few steps, not doubled from the first buffer: {List.ofSeq lengths}"
            Expect.isLessThan (int64 lengths[lengths.Count - 1]) (2L * int64 size) "not doubled past the request"
        }
        test "a peer that closes ends the stream" {
            use pair = new Pair()
            pair.Client.Shutdown SocketShutdown.Send
            let result = wait (pair.Channel.Input.ReadAsync().AsTask())
            Expect.isTrue result.IsCompleted "end of stream"
        }
        test "CancelPendingRead wakes a waiting read, and cancels the next one when nobody waits" {
            use pair = new Pair()
            let input = pair.Channel.Input
            let read = input.ReadAsync().AsTask()
            input.CancelPendingRead()
            Expect.isTrue (wait read).IsCanceled "the waiting read"
            input.CancelPendingRead()
            Expect.isTrue (wait (input.ReadAsync().AsTask())).IsCanceled "the next read"
            pair.Client.Send("x"B) |> ignore
            Expect.equal ((wait (input.ReadAsync().AsTask())).Buffer.ToArray()) "x"B "and reading goes on"
        }
        test "a token cancels a waiting read, and the next read still gets its bytes" {
            use pair = new Pair()
            let input = pair.Channel.Input
            use deadline = new CancellationTokenSource(TimeSpan.FromMilliseconds 50.)
            let read = input.ReadAsync(deadline.Token).AsTask()
            Expect.throwsT<AggregateException> (fun () -> wait read |> ignore) "the deadline"
            Expect.isTrue read.IsCanceled "as a cancellation"
            pair.Client.Send("y"B) |> ignore
            Expect.equal ((wait (input.ReadAsync().AsTask())).Buffer.ToArray()) "y"B "the next read"
        }
        test "a flush the socket cannot take waits for the peer to read, and every byte arrives in order" {
            use pair = new Pair()
            let output = pair.Channel.Output
            let reply = Array.init (16 * 1024 * 1024) (fun i -> byte (i % 251))
            output.Write(ReadOnlySpan reply)
            let flush = output.FlushAsync().AsTask()
            Thread.Sleep 50
            Expect.isFalse flush.IsCompleted "16 MB do not fit in the socket's buffers"
            let received = Task.Run(fun () -> readAll pair.Client reply.Length)
            Expect.isFalse (wait flush).IsCompleted "the flush ends once all is sent"
            Expect.equal (wait received) reply "the peer got every byte in order"
            Expect.isFalse output.HoldsBuffer "and the send buffer went back to the pool"
        }
        test "Abort ends a waiting read with ObjectDisposedException" {
            use pair = new Pair()
            let read = pair.Channel.Input.ReadAsync().AsTask()
            pair.Channel.Abort()
            let error = Expect.throwsC (fun () -> wait read |> ignore) id
            Expect.isTrue (error.InnerException :? ObjectDisposedException) $"disposed, got {error.InnerException}"
        }
        test "a peer that resets fails the next flush with IOException" {
            use pair = new Pair()
            pair.Client.LingerState <- LingerOption(true, 0)
            pair.Client.Close()
            Thread.Sleep 50
            let output = pair.Channel.Output
            let flushTwice () =
                for _ in 1 .. 2 do
                    output.Write(ReadOnlySpan(Array.zeroCreate<byte> 1024))
                    output.FlushAsync().AsTask().Wait()
            let error = Expect.throwsC flushTwice id
            Expect.isTrue (error :? IOException || error.InnerException :? IOException) $"an IOException, got {error}"
        }
        test "a handler that blocks its loop's thread holds the other connections up for a moment, not until it returns" {
            use release = new ManualResetEventSlim(false)
            let app = TinoApp.Empty.WithCommand("block", Func<int>(fun () -> release.Wait(TimeSpan.FromSeconds 30.) |> ignore; 1))
            withApp app (fun server ->
                use blocked = connect server
                // With eight more connections, some share the blocked one's loop whatever the number of loops.
                let others = [ for _ in 1 .. 8 -> connect server ]
                blocked.Send(request "block" [])
                Thread.Sleep 100
                try
                    for c in others do
                        Expect.equal (text (c.Call "PING")) "PONG" "answered while the handler still blocks"
                finally
                    release.Set()
                Expect.equal (value<int> (blocked.ReadReply())) 1 "and the blocked call finishes"
                for c in others do (c :> IDisposable).Dispose())
        }
    ]

/// The budget after each gap, from a fresh policy whose full spin is `fullSpin` ticks.
let budgetsAfter (fullSpin: int64) (gaps: int64 list) =
    let mutable policy = SpinPolicy fullSpin
    let budgets = ResizeArray()
    for gap in gaps do
        policy.OnGap gap
        budgets.Add policy.Budget
    List.ofSeq budgets

[<Tests>]
let spinPolicyTests =
    testList "event loop: polling before it sleeps" [
        test "a fresh loop spins fully; gaps a full spin covers keep it so" {
            Expect.equal (SpinPolicy(800L).Budget) 800L "fresh"
            Expect.equal (budgetsAfter 800L [ 1L; 799L; 800L; 0L ]) [ 800L; 800L; 800L; 800L ] "short gaps"
        }
        test "longer gaps halve the budget down to zero, so an idle server sleeps at once; one short gap restores it" {
            Expect.equal (budgetsAfter 800L [ 801L; 5_000L; 1_000_000L; 900L; 801L; 801L ]) [ 400L; 200L; 100L; 0L; 0L; 0L ] "long gaps"
            Expect.equal (budgetsAfter 800L [ 801L; 801L; 801L; 801L; 10L ]) [ 400L; 200L; 100L; 0L; 800L ] "a burst begins"
        }
        test "a full spin of zero never spins" {
            Expect.equal (budgetsAfter 0L [ 0L; 1L; 0L ]) [ 0L; 0L; 0L ] "never"
        }
        testPropWith "the budget is the full spin after a short gap, and never negative nor above it"
            (Gen.zip (Gen.choose (0, 10_000)) (Gen.listOf (Gen.choose (0, 20_000))))
            (fun (fullSpin, gaps) ->
                let fullSpin = int64 fullSpin
                let budgets = budgetsAfter fullSpin (List.map int64 gaps)
                for gap, budget in List.zip gaps budgets do
                    Expect.isTrue (budget >= 0L && budget <= fullSpin) $"budget {budget} within 0 .. {fullSpin}"
                    if int64 gap <= fullSpin then Expect.equal budget fullSpin $"after the short gap {gap}")
        test "the setting: 50 µs by default or when not a number, what it says otherwise, 0 off, and never on one core" {
            let ticks (microseconds: int64) = microseconds * Diagnostics.Stopwatch.Frequency / 1_000_000L
            Expect.equal (SpinPolicy.FullSpin(null, 2)) (ticks 50L) "missing"
            Expect.equal (SpinPolicy.FullSpin("fast", 2)) (ticks 50L) "not a number"
            Expect.equal (SpinPolicy.FullSpin("-5", 2)) (ticks 50L) "negative"
            Expect.equal (SpinPolicy.FullSpin("20", 8)) (ticks 20L) "20 µs"
            Expect.equal (SpinPolicy.FullSpin(20, 8)) (ticks 20L) "as a number"
            Expect.equal (SpinPolicy.FullSpin("0", 8)) 0L "off"
            Expect.equal (SpinPolicy.FullSpin("50", 1)) 0L "one core"
        }
    ]
