/// Round trips through generated clients: a server whose commands take every width of integer, both floats,
/// timestamps, bin, maps with integer keys and unions nested in unions records the bytes of each argument it is sent.
/// The Python and the TypeScript module generated from it send the same values as the .NET client's proxy; the bytes
/// must be the .NET client's, byte for byte, and every value must come back as it went.
module Tino.Tests.Cli.RoundTripTests

open System
open System.Buffers
open System.Collections.Concurrent
open System.IO
open System.Threading.Tasks
open Expecto
open Tino
open Tino.FSharp
open Tino.Hosting
open Tino.Tests.Hosting.TestServer
open Tino.Tests.Client.Hosts
open Tino.Tests.Cli.CliTests

type Widths = { i8: sbyte; i16: int16; i32: int; i64: int64; u8: byte; u16: uint16; u32: uint32; u64: uint64 }

type Inner =
    | Leaf of value: int
    | Pair of left: string * right: float32

type Outer =
    | Wrapped of inner: Inner
    | Many of items: Inner list * label: string option

type Mixed = { at: DateTime; data: byte[]; keyed: Map<int, string>; tree: Outer; note: string option; ratio: float32 }

/// The server's commands as the .NET client calls them.
type RoundTrip =
    { widths: sbyte -> int16 -> int -> int64 -> byte -> uint16 -> uint32 -> uint64 -> Task<Widths>
      floats: float32 -> float -> Task<float32 * float>
      times: DateTime list -> Task<DateTime list>
      bin: byte[] -> Task<byte[]>
      keyed: Map<int, string> -> Task<Map<int, string>>
      tree: Outer -> Task<Outer>
      mixed: Mixed -> Task<Mixed> }

/// What the server was sent: each call's command and the hex of each argument, in order.
let private received = ConcurrentQueue<string * string list>()

let private app () =
    TinoBuilderInstance.tino {
        command "widths" (fun i8 i16 i32 i64 u8 u16 u32 u64 ->
            { i8 = i8; i16 = i16; i32 = i32; i64 = i64; u8 = u8; u16 = u16; u32 = u32; u64 = u64 })
        command "floats" (fun (single: float32) (double: float) -> single, double)
        command "times" (fun (times: DateTime list) -> times)
        command "bin" (fun (data: byte[]) -> data)
        command "keyed" (fun (keyed: Map<int, string>) -> keyed)
        command "tree" (fun (tree: Outer) -> tree)
        command "mixed" (fun (mixed: Mixed) -> mixed)
        use_middleware (fun next context ->
            let arguments = [ for i in 0 .. context.Arguments.Count - 1 -> Convert.ToHexString(context.Arguments[i].ToArray()) ]
            received.Enqueue((context.Command.Name, arguments))
            next context)
    }

let private utc (text: string) = DateTime.Parse(text, Globalization.CultureInfo.InvariantCulture, Globalization.DateTimeStyles.AdjustToUniversal)

/// The values every client sends, in this order (round_trip.py and round_trip.ts send the same).
let private callDotNet (api: RoundTrip) =
    task {
        let! _ = api.widths -128y -32768s Int32.MinValue -9007199254740991L 255uy 65535us UInt32.MaxValue 9007199254740991UL
        let! _ = api.widths 127y 32767s Int32.MaxValue 4294967296L 0uy 256us 65536u 0UL
        let! _ = api.floats 1.5f 2.0
        let! _ = api.floats 0.1f 0.1
        let! _ = api.floats 3.4028235e38f 1e300
        let! _ = api.times [ utc "2000-01-01T00:00:00Z"; utc "2024-02-29T12:34:56.789Z"; utc "1969-07-20T20:17:40Z"; utc "2600-01-01T00:00:00.001Z" ]
        let! _ = api.bin (Array.init 300 (fun i -> byte (i % 256)))
        let! _ = api.keyed (Map [ -2, "minus two"; 1, "one"; 300, "three hundred" ])
        let! _ = api.tree (Wrapped(Leaf 7))
        let! _ = api.tree (Many([ Leaf -1; Pair("x", 0.5f) ], Some "label"))
        let! _ = api.tree (Many([], None))
        let! _ =
            api.mixed
                { at = utc "2024-02-29T12:34:56.789Z"; data = [| 1uy; 2uy; 3uy |]; keyed = Map [ 5, "five" ]
                  tree = Wrapped(Pair("π", 2.5f)); note = None; ratio = 0.75f }
        return ()
    }

let private sentBy (run: unit -> unit) =
    received.Clear()
    run ()
    List.ofSeq received

let private expectSameBytes language (generated: (string * string list) list) (dotnet: (string * string list) list) =
    Expect.equal generated.Length dotnet.Length $"{language} made as many calls"
    for (command, arguments), (_, expected) in List.zip generated dotnet do
        Expect.equal arguments expected $"{language}'s {command}: the .NET client's bytes"

[<Tests>]
let tests =
    testSequenced <| testList "tino generate: round trips" [
        test "python and typescript send what the .NET client sends: int widths, floats, timestamps, bin, integer keys, nested unions" {
            Tino.Tests.Interop.ClientMatrix.pythonModules.Force()
            let server = (startServer (app ())).GetAwaiter().GetResult()
            try
                let dotnet =
                    sentBy (fun () ->
                        let client = (Client.connect (uriOf server)).GetAwaiter().GetResult()
                        try (callDotNet (Client.proxy<RoundTrip> client)).GetAwaiter().GetResult()
                        finally client.DisposeAsync().AsTask().Wait())
                Expect.equal dotnet.Length 12 "the .NET client's calls"
                GenerateTests.withFolder (fun folder ->
                    Expect.equal (tino [ "generate"; "python"; uriOf server; "--out"; folder ] |> fun (code, _, error) -> code, error) (0, "") "generated"
                    let script = Path.Combine(AppContext.BaseDirectory, "Cli", "round_trip.py")
                    let python =
                        sentBy (fun () ->
                            let code, out, error = Tino.Tests.Interop.RealClientTests.run "/usr/bin/python3" [ script; folder; string (portOf server) ] (TimeSpan.FromMinutes 1.0)
                            Expect.equal (code, out.Trim()) (0, "round trips passed") $"python3: {error}")
                    expectSameBytes "python" python dotnet)
                let typescript = sentBy (fun () -> GenerateTests.runTypeScript server "round_trip.ts" "round trips passed")
                expectSameBytes "typescript" typescript dotnet
            finally
                server.DisposeAsync().AsTask().Wait()
        }
    ]
