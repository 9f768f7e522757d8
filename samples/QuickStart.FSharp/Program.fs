// A Tino server in F#: the seed's add command and a few more, built with tino { }, and a call to it.
// Run: dotnet run -c Release --project samples/QuickStart.FSharp -- --port 7534
// Call: redis-cli -p 7534 ADD $'\x01' $'\x02' (MessagePack 1 and 2; prints the byte 3)
module Tino.Samples.QuickStart.Program

open System
open System.Net.Sockets
open System.Threading.Tasks
open Tino
open Tino.FSharp

let passwords = Map [ "tinaspassword", "tina"; "bobspassword", "bob" ]

type NoteError =
    | NotFound of id: int
    | Forbidden

let add (a: int) (b: int) = int64 a + int64 b

let whoami (auth: AuthRequired<string>) = auth.Value

let counter (calls: ConnState<int>) =
    calls.Value <- calls.Value + 1
    calls.Value

/// `divide 1 0` throws: the caller gets `UNEXPECTED_ERROR "unexpected error (error id …)"`, and the server's log (standard
/// error, with no set-up) has the exception under that id.
let divide (a: int) (b: int) = a / b

let note (id: int) : Result<string, NoteError> =
    match id with
    | 1 -> Ok "buy milk"
    | 0 -> Error Forbidden // replies -FORBIDDEN "Forbidden"
    | _ -> Error(NotFound id) // replies -NOT_FOUND "NotFound 7"

let app =
    tino {
        auth (fun password -> passwords |> Map.tryFind password)
        state (fun () -> 0)
        command "add" add
        command "whoami" whoami
        command "counter" counter
        command "note" note
        command "divide" divide
        on_startup (fun () -> task { eprintfn "starting" })
    }

/// Calls `add 1 2` the way any Redis client would: a RESP array of MessagePack arguments.
let callAdd (port: int) =
    use client = new TcpClient("127.0.0.1", port)
    let stream = client.GetStream()
    stream.Write("*3\r\n$3\r\nADD\r\n$1\r\n\x01\r\n$1\r\n\x02\r\n"B)
    let reply = Array.zeroCreate<byte> 16
    let n = stream.Read(reply, 0, reply.Length)
    printfn "add 1 2 replied %A (the MessagePack of 3)" reply[.. n - 1]

let private argument (argv: string[]) name fallback =
    match Array.tryFindIndex ((=) name) argv with
    | Some i when i + 1 < argv.Length -> argv[i + 1]
    | _ -> fallback

[<EntryPoint>]
let main argv =
    let host = argument argv "--host" "127.0.0.1"
    let port = int (argument argv "--port" "7534")
    if Array.contains "--call" argv then
        // Start on a free port, make one call, stop.
        let server = (Tino.start host 0 app).GetAwaiter().GetResult()
        callAdd (nonNull server.LocalEndPoint).Port
        server.StopAsync().GetAwaiter().GetResult()
    else
        Tino.run host port app // prints "Tino listening on redis://127.0.0.1:7534"; Ctrl+C stops it
    0
