/// Byte helpers for the protocol tests: multi-segment sequences, every way of splitting an input, and a buffer
/// writer that hands out the smallest spans it may.
module Tino.Tests.Protocol.Sequences

open System
open System.Buffers
open System.Text

/// A segment of a hand-built ReadOnlySequence.
type Segment(memory: ReadOnlyMemory<byte>, runningIndex: int64) as this =
    inherit ReadOnlySequenceSegment<byte>()
    do
        this.Memory <- memory
        this.RunningIndex <- runningIndex

    /// Links a segment holding `bytes` after this one and returns it.
    member this.Append(bytes: byte[]) =
        let next = Segment(ReadOnlyMemory bytes, this.RunningIndex + int64 this.Memory.Length)
        this.Next <- next
        next

/// The bytes of an ASCII (or Latin-1) string; "\r\n" and "\xHH" escapes come through as the bytes they name.
let bytes (text: string) = Encoding.Latin1.GetBytes text

/// A one-segment sequence over a copy of `data`.
let ofArray (data: byte[]) = ReadOnlySequence<byte>(Array.copy data)

/// A sequence with one segment per chunk (empty chunks included), each in its own array so nothing is contiguous
/// by accident.
let ofChunks (chunks: byte[] list) =
    match chunks with
    | [] -> ReadOnlySequence<byte>.Empty
    | first :: rest ->
        let head = Segment(ReadOnlyMemory(Array.copy first), 0L)
        let last = rest |> List.fold (fun (segment: Segment) chunk -> segment.Append(Array.copy chunk)) head
        ReadOnlySequence<byte>(head, 0, last, last.Memory.Length)

/// Memory owned by a MemoryManager rather than an array, as some pools hand out.
type ArrayMemoryManager(data: byte[]) =
    inherit MemoryManager<byte>()
    override _.GetSpan() = Span<byte>(data)
    override _.Pin(_elementIndex) = invalidOp "not pinnable"
    override _.Unpin() = ()
    override _.Dispose(_disposing) = ()

/// A one-segment sequence over a copy of `data` held by a MemoryManager: backed by neither an array nor segments.
let ofManager (data: byte[]) =
    let manager = new ArrayMemoryManager(Array.copy data)
    ReadOnlySequence<byte>(Memory.op_Implicit manager.Memory: ReadOnlyMemory<byte>)

/// `data` cut before each of the given offsets.
let splitAt (offsets: int list) (data: byte[]) =
    let cuts = 0 :: (offsets |> List.filter (fun o -> o >= 0 && o <= data.Length) |> List.sort) @ [ data.Length ]
    cuts |> List.pairwise |> List.map (fun (a, b) -> data[a .. b - 1]) |> ofChunks

/// Bytes appended to an input to check that a parser leaves what follows a frame unconsumed.
let trailing = bytes "*1\r\n$4\r\nPING\r\n"

/// Every way a case runs: whole (in an array, in one segment, in a MemoryManager's memory), with trailing bytes,
/// split in two at every byte (empty halves included), and one byte per segment. Each comes with its name and the
/// count of trailing bytes it carries.
let variants (data: byte[]) =
    [ yield "whole", ofArray data, 0
      yield "whole in one segment", ofChunks [ data ], 0
      yield "whole in a MemoryManager's memory", ofManager data, 0
      yield "with trailing bytes", ofArray (Array.append data trailing), trailing.Length
      for i in 0 .. data.Length do
          yield $"split at byte {i}", splitAt [ i ] data, 0
      yield "one byte per segment", data |> Array.map Array.singleton |> List.ofArray |> ofChunks, 0 ]

/// The same variants without the trailing bytes, for inputs that are not whole frames.
let splitVariants (data: byte[]) =
    variants data |> List.filter (fun (_, _, extra) -> extra = 0)

/// Renders bytes for assertion messages, escaping what is not printable.
let show (data: byte[]) =
    data
    |> Array.map (fun b -> if b >= 0x20uy && b < 0x7Fuy then string (char b) else $"\\x{b:x2}")
    |> String.concat ""

/// An IBufferWriter that never offers more than asked (at least one byte), so writers must respect their budgets
/// and copy large values in pieces.
type TightWriter() =
    let written = ResizeArray<byte>()
    let mutable pending: byte[] = [||]

    /// Everything advanced so far.
    member _.Written = written.ToArray()

    interface IBufferWriter<byte> with
        member _.GetMemory(sizeHint) =
            pending <- Array.zeroCreate (max sizeHint 1)
            Memory pending

        member _.GetSpan(sizeHint) =
            pending <- Array.zeroCreate (max sizeHint 1)
            Span pending

        member _.Advance(count) =
            if count > pending.Length then invalidOp "advanced past the span handed out"
            written.AddRange(pending[.. count - 1])
            pending <- [||]
