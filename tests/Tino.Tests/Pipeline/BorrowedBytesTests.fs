/// Payloads without copies: parameters that borrow the request's bytes (ReadOnlyMemory<byte>, ReadOnlySequence<byte>),
/// RawMessagePack passed through untouched, and bytes results written straight into the reply.
module Tino.Tests.Pipeline.BorrowedBytesTests

open System
open System.Buffers
open System.Threading.Tasks
open Expecto
open MessagePack
open Tino
open Tino.Protocol
open Tino.Serialization
open Tino.Tests.Hosting.TestServer
open Tino.Tests.Hosting.ServerTests

/// The MessagePack bin of `bytes`.
let private bin (bytes: byte[]) = MessagePackSerializer.Serialize<byte[]>(bytes)

let private payload (length: int) (seed: int) = Array.init length (fun i -> byte ((i * 31 + seed) % 251))

let private checksum (bytes: ReadOnlySpan<byte>) =
    let mutable sum = 0L
    for i in 0 .. bytes.Length - 1 do
        sum <- sum * 31L + int64 bytes[i]
    sum

let private app (limits: RespLimits) =
    TinoApp.Empty
        .WithOptions(TinoOptions(Limits = limits, MaxConcurrentCallsPerConnection = 8))
        .WithCommand("echo_memory", Func<ReadOnlyMemory<byte>, ReadOnlyMemory<byte>>(id))
        .WithCommand("echo_sequence", Func<ReadOnlySequence<byte>, ReadOnlySequence<byte>>(id))
        .WithCommand("echo_array", Func<byte[], byte[]>(id))
        .WithCommand("relay", Func<RawMessagePack, RawMessagePack>(id))
        .WithCommand("sum_later", Func<ReadOnlyMemory<byte>, Task<int64>>(fun bytes -> task {
            do! Task.Delay 20 // Other requests of the same connection arrive meanwhile: the bytes must still be this call's.
            return checksum bytes.Span }))

let private withBytesApp (limits: RespLimits) body = withApp (app limits) body

[<Tests>]
let tests =
    testList "borrowed bytes" [
        test "bytes parameters and results echo a payload exactly as byte[] does" {
            withBytesApp RespLimits.Default (fun server ->
                use c = connect server
                for length in [ 0; 1; 255; 256; 65535; 65536; 300_000 ] do
                    let bytes = payload length 7
                    for command in [ "echo_memory"; "echo_sequence"; "echo_array" ] do
                        let reply = c.Call(command, bin bytes)
                        Expect.equal (reply.Bytes.ToArray()) (bin bytes) $"{command} of {length} bytes: the bin byte[]'s formatter writes")
        }
        test "a borrowed argument stays the call's own while other requests arrive, until the call completes" {
            withBytesApp RespLimits.Default (fun server ->
                use c = connect server
                let payloads = [ for i in 1 .. 20 -> payload (1000 + i * 997) i ]
                c.Send(Array.concat [ for p in payloads -> request "sum_later" [ bin p ] ])
                for p in payloads do
                    Expect.equal (value<int64> (c.ReadReply())) (checksum (ReadOnlySpan p)) "each call summed its own bytes")
        }
        test "RawMessagePack passes any value through untouched" {
            withBytesApp RespLimits.Default (fun server ->
                use c = connect server
                let values: objnull list = [ null; box 1; box -1.5; box "é"; box [| 1; 2 |]; box (Collections.Generic.Dictionary<string, objnull>(dict [ "a", box [| box 1uy; null |] ])) ]
                for v in values do
                    let bytes = MessagePackSerializer.Serialize<objnull>(v)
                    Expect.equal ((c.Call("relay", bytes)).Bytes.ToArray()) bytes $"{v}"
                let ext = [| 0xd6uy; 0xffuy; 0uy; 0uy; 0uy; 1uy |] // a timestamp extension, never decoded
                Expect.equal ((c.Call("relay", ext)).Bytes.ToArray()) ext "an ext value"
                Expect.stringStarts (errorText (c.Call("relay", [| 0x92uy; 1uy |]))) "INVALID_MSGPACK [\"command\",\"delegateArg0\"]" "a truncated value is refused")
        }
        test "a bytes parameter refuses what is not one bin" {
            withBytesApp RespLimits.Default (fun server ->
                use c = connect server
                for command in [ "echo_memory"; "echo_sequence" ] do
                    Expect.stringStarts (errorText (c.Call(command, mp "text"))) "VALIDATION_ERROR [\"command\",\"delegateArg0\"] \"expected bin, got string\"" command
                    Expect.stringStarts (errorText (c.Call(command, Array.append (bin [| 1uy |]) (bin [| 2uy |])))) "INVALID_MSGPACK" "two values"
                    Expect.stringStarts (errorText (c.Call(command, [| 0xc4uy; 5uy; 1uy |]))) "INVALID_MSGPACK" "truncated")
        }
        test "at the default limit, a 16 MiB argument is borrowed whole and echoed, on a connection that goes on" {
            withBytesApp RespLimits.Default (fun server ->
                use c = connect server
                let largest = payload (RespLimits.Default.MaxArgumentBytes - 5) 11 // a bin32 header is 5 bytes
                for command in [ "echo_memory"; "echo_array" ] do
                    let reply = c.Call(command, bin largest)
                    Expect.equal reply.Bytes.Length RespLimits.Default.MaxArgumentBytes $"{command}: the whole argument"
                    Expect.isTrue (reply.Bytes.Span.Slice(5).SequenceEqual(ReadOnlySpan largest)) $"{command}: the same bytes"
                Expect.equal ((c.Call("echo_memory", bin [| 1uy |])).Bytes.ToArray()) (bin [| 1uy |]) "a small call after it")
        }
        test "the largest argument the limits allow is borrowed whole; one byte more is refused before it is buffered" {
            let limit = 1 <<< 20
            withBytesApp (RespLimits(MaxArgumentBytes = limit)) (fun server ->
                use c = connect server
                let largest = payload (limit - 5) 3 // a bin32 header is 5 bytes
                Expect.equal ((c.Call("echo_memory", bin largest)).Bytes.Length) limit "the whole argument, echoed"
                use c2 = connect server
                // Only the frame's header and the argument's first 64 KiB are sent: the refusal comes before the rest.
                // (Writing all of it would block once the server stops reading, until it resets the connection.)
                let oversized = request "echo_memory" [ bin (payload (limit - 4) 3) ]
                c2.Send oversized[.. oversized.Length - limit + 65536]
                expectErrorStarts "LIMIT_EXCEEDED " (c2.ReadReply())
                Expect.isTrue (c2.IsClosedByServer()) "closed")
        }
    ]
