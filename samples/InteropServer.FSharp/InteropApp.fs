/// The interop command surface (docs/interop-server.md) built with `tino { }`.
module Tino.Samples.InteropServer.InteropApp

open System
open System.Collections.Concurrent
open System.Globalization
open System.Threading
open System.Threading.Tasks
open Tino
open Tino.FSharp

type NoteInput = { text: string; completed: bool }

type Note = { id: int; text: string; completed: bool }

/// On the wire as `[0, {"radius": r}]` or `[1, {"width": w, "height": h}]`.
type Shape =
    | Circle of radius: float
    | Rect of width: float * height: float

let passwords = Map [ "tinaspassword", "tina"; "bobspassword", "bob" ]

/// Invariant culture, shortest form that round-trips.
let private number (value: float) = value.ToString("R", CultureInfo.InvariantCulture)

let shapeName (s: Shape) =
    match s with
    | Circle radius -> $"circle {number radius}"
    | Rect(width, height) -> $"rect {number width} {number height}"

/// A fresh app: each call gets its own note store, whose ids start at 1.
let create () : TinoApp =
    let notes = ConcurrentDictionary<int, Note>()
    let lastId = ref 0

    let createNote (note: NoteInput) =
        let created = { id = Interlocked.Increment &lastId.contents; text = note.text; completed = note.completed }
        notes[created.id] <- created
        created

    let getNote (id: int) =
        match notes.TryGetValue id with
        | true, note -> Some note
        | _ -> None

    let counter (calls: ConnState<int>) =
        calls.Value <- calls.Value + 1
        calls.Value

    // The last blob made is kept, as a store keeps a value: BLOB in the payload benchmark then measures the reply, as
    // redis-server's GET of a stored value does, rather than the loop that fills the bytes. Callers only read it.
    let lastBlob = ref Array.empty<byte>

    let blob (n: int) =
        match Volatile.Read &lastBlob.contents with
        | last when last.Length = n -> last
        | _ ->
            let bytes = Array.init n (fun i -> byte (i % 251))
            Volatile.Write(&lastBlob.contents, bytes)
            bytes

    let sleep (ms: int) (cancellation: CancellationToken) =
        task {
            do! Task.Delay(ms, cancellation)
            return ms
        }

    tino {
        auth (fun password -> passwords |> Map.tryFind password)
        state (fun () -> 0)
        command "add" (fun (a: int) (b: int) -> int64 a + int64 b)
        command "echo_value" (fun (v: obj) -> v)
        command "concat" (fun (parts: string list) -> String.Concat parts)
        command "create_note" createNote
        command "read_notes" (fun () -> notes.Values |> Seq.sortBy _.id |> List.ofSeq)
        command "get_note" getNote
        // The same descriptions as the C# interop server's (its INotes interface's /// docs), for TINO.SCHEMA and COMMAND DOCS.
        describe "create_note" "Stores a note under the next id (1, 2, 3 ... per store)."
        describe "read_notes" "Every note, by id."
        describe "get_note" "The note with this id, or nil."
        command "whoami" (fun (auth: AuthRequired<string>) -> auth.Value)
        command "maybe_whoami" (fun (auth: Auth<string>) -> if auth.HasValue then Some auth.Value else None)
        command "counter" counter
        command "fail" (fun (code: string) (message: string) -> raise (TinoException(code, message)): unit)
        command "crash" (fun () -> failwith "the secret cause": unit)
        command "sleep" sleep
        command "blob" blob
        command "blob_len" (fun (b: byte[]) -> b.Length)
        command "echo_bin" (fun (b: ReadOnlyMemory<byte>) -> b) // borrowed from the request, written straight into the reply
        command "range" (fun (n: int) -> seq { 0 .. n - 1 })
        command "shape_name" shapeName
        command "notify" (fun (channel: string) (v: obj) (events: Publisher) -> events.Publish(channel, v))
    }
