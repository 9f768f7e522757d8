/// The interop command surface (docs/interop-server.md) built with Tino.Core alone: no front, just the app record.
module Tino.Tests.Hosting.TestApp

open System
open System.Threading
open System.Threading.Tasks
open Tino

type NoteInput = { text: string; completed: bool }

type Note = { id: int; text: string; completed: bool }

let passwords = Map [ "tinaspassword", "tina"; "bobspassword", "bob" ]

/// A fresh app: each call gets its own note store.
let create () : TinoApp =
    let notes = Collections.Concurrent.ConcurrentDictionary<int, Note>()
    let mutable lastId = 0
    let command name (handler: Delegate) = CommandHandler.Create(name, handler)
    TinoApp.Empty
        .WithAuth(AuthHandler.Create<string>(fun (password: string) -> passwords |> Map.tryFind password |> Option.toObj))
        .WithState(ConnectionStateFactory.Create<int>(fun () -> 0))
        .WithCommand(command "add" (Func<int, int, int64>(fun a b -> int64 a + int64 b)))
        .WithCommand(command "echo_value" (Func<objnull, objnull>(fun v -> v)))
        .WithCommand(command "concat" (Func<string[], string>(fun parts -> String.Concat parts)))
        .WithCommand(
            command "create_note" (Func<NoteInput, Note>(fun note ->
                let id = Interlocked.Increment(&lastId)
                let created = { id = id; text = note.text; completed = note.completed }
                notes[id] <- created
                created)))
        .WithCommand(command "read_notes" (Func<Note[]>(fun () -> notes.Values |> Seq.sortBy _.id |> Array.ofSeq)))
        .WithCommand(
            command "get_note" (Func<int, objnull>(fun id ->
                match notes.TryGetValue id with
                | true, note -> box note
                | _ -> null)))
        .WithCommand(command "whoami" (Func<AuthRequired<string>, string>(fun auth -> auth.Value)))
        .WithCommand(command "maybe_whoami" (Func<Auth<string>, string | null>(fun auth -> auth.Value)))
        .WithCommand(
            command "counter" (Func<ConnState<int>, int>(fun state ->
                state.Value <- state.Value + 1
                state.Value)))
        .WithCommand(command "fail" (Action<string, string>(fun code message -> raise (TinoException(code, message)))))
        .WithCommand(command "crash" (Action(fun () -> failwith "the secret cause")))
        .WithCommand(
            command "sleep" (Func<int, CancellationToken, Task<int>>(fun ms token ->
                task {
                    do! Task.Delay(ms, token)
                    return ms
                })))
        .WithCommand(command "blob" (Func<int, byte[]>(fun n -> Array.init n (fun i -> byte (i % 251)))))
        .WithCommand(command "blob_len" (Func<byte[], int>(fun b -> b.Length)))
        .WithCommand(command "echo_bin" (Func<ReadOnlyMemory<byte>, ReadOnlyMemory<byte>>(fun b -> b)))
        .WithCommand(command "range" (Func<int, Collections.Generic.IAsyncEnumerable<int>>(fun n -> Linq.AsyncEnumerable.Range(0, n))))
        .WithCommand(command "notify" (Func<string, objnull, Publisher, int>(fun channel v events -> events.Publish(channel, v))))
