// The payload comparisons: the same bytes through Tino (the C# interop server), redis-server and Garnet, with
// redis-benchmark up to 60 KiB and ClientLoad beyond. Loaded by bench/driver.fsx after Comparisons.
module Payloads


open System
open System.IO
open System.Text
open Processes
open Model
open Measurements
open Comparisons

// ---- the bytes ----

let payloadFolder = "artifacts/bench/payloads"

let private bin16Header (length: int) = [| 0xc5uy; byte (length >>> 8); byte length |]

/// A MessagePack bin 16 of `total` bytes in all, header included, its payload (i mod 255) + 1. redis-benchmark -x
/// cuts its argument at the first NUL byte (the argument goes through a C string), so no byte may be 0, the
/// header's included: that is why a size counts the whole argument (a payload of 16,384 bytes has the header
/// c5 40 00), and why redis-benchmark cannot send a bin past 64 KiB (a bin 32's length starts with a 0 byte).
let bin (total: int) =
    let length = total - 3
    let bytes = Array.append (bin16Header length) (Array.init length (fun i -> byte (i % 255 + 1)))
    if length > 0xffff || Array.contains 0uy bytes then
        failwithf "a bin of %d bytes in all does not fit a bin 16 without a NUL byte" total
    bytes

/// What BLOB n replies: a bin of n bytes i mod 251 (samples/InteropServer.CSharp), `total` bytes with its header.
let blobValue (total: int) =
    Array.append (bin16Header (total - 3)) (Array.init (total - 3) (fun i -> byte (i % 251)))

/// The MessagePack of an integer from 256 to 65,535 (uint 16): BLOB's argument, BLOB_LEN's reply.
let uint16Of (value: int) = [| 0xcduy; byte (value >>> 8); byte value |]

/// Writes the bytes to a file under artifacts/bench/payloads/ and returns its path from the root, as commands show it.
let private payloadFile (name: string) (bytes: byte[]) =
    let path = $"{payloadFolder}/{name}"
    Directory.CreateDirectory(Path.Combine(root, payloadFolder)) |> ignore
    File.WriteAllBytes(Path.Combine(root, path), bytes)
    path

/// The file of `bin total`: redis-benchmark -x's argument for ECHO_BIN, ECHO, BLOB_LEN and SET.
let private binFile (total: int) = payloadFile $"bin-{total}.bin" (bin total)

// ---- checks: a refused call fails the comparison ----

/// A RESP bulk string.
let bulk (bytes: byte[]) =
    Array.concat [ Encoding.ASCII.GetBytes $"${bytes.Length}\r\n"; bytes; "\r\n"B ]

let private firstLineOf (reply: byte[]) =
    let text = Encoding.Latin1.GetString(reply, 0, min reply.Length 100)
    text.Split("\r\n").[0]

/// Fails unless the command gets exactly the expected reply. redis-benchmark counts an error reply as a reply like
/// any other, so this is what keeps a refused call from passing as a fast one.
let expectReply (server: string) (port: int) (args: byte[] list) (expected: byte[]) =
    let got = reply port args
    if got <> expected then
        let name = Encoding.ASCII.GetString args.Head
        failwithf "%s replied `%s` (%d bytes) to %s, not the %d bytes expected" server (firstLineOf got) got.Length name expected.Length

/// redis-benchmark -x sends the file's bytes whole: one SET through it on redis-server, then a GET of them.
let expectSentWhole (settings: Settings) (redisPort: int) (file: string) =
    runBenchmark (benchCommandWithFile { settings with Clients = 1 } redisPort 1 1 [ "SET"; "sent" ] file) |> ignore
    expectReply "redis-server" redisPort [ "GET"B; "sent"B ] (bulk (File.ReadAllBytes(Path.Combine(root, file))))

// ---- rounds ----

/// The servers' ports, and Garnet when it runs, or why it does not.
type Servers = { TinoPort: int; RedisPort: int; GarnetServer: Outcome<Server> }

let private garnetPort (servers: Servers) =
    match servers.GarnetServer with
    | Measured garnet -> Some garnet.Port
    | _ -> None

/// Measures Tino, then each of the others, back to back, `rounds` times, printing each round.
let rounds (settings: Settings) (title: string) (measures: (unit -> float) list) =
    [ for index in 1 .. settings.Rounds ->
          let rates = measures |> List.map (fun measure -> measure ())
          let others = rates.Tail |> List.map (sprintf "%.0f")
          printfn "%s, round %d: Tino %.0f, others %s" title index rates.Head (String.Join(", ", others))
          { Tino = rates.Head; Others = rates.Tail } ]

/// Requests of one redis-benchmark payload run: those of an ADD run, fewer when they would send more than PayloadBytes.
let payloadRequests (settings: Settings) (bytes: int) (pipeline: int) =
    max 200 (min (requests settings pipeline) (int (settings.PayloadBytes / int64 bytes)))

/// One size at one depth: the checks, then redis-benchmark against each server in turn.
let private benchFigure settings title bytes pipeline (check: unit -> unit) (calls: BenchCommand list) =
    let name = $"{title}, {bytes} bytes, -P {pipeline}"
    { Row = number (float bytes)
      Load = $"-P {pipeline}"
      Commands = calls |> List.map _.Shown
      Outcome =
        attempt name (fun () ->
            check ()
            rounds settings name (calls |> List.map (fun call () -> redisBenchmark call))) }

let private garnetColumn (servers: Servers) (heading: string) =
    match servers.GarnetServer with
    | Measured _ -> [ heading ], None
    | Skipped reason
    | Failed reason -> [], Some $"Garnet is not in this table: {reason}"

let pipelines = [ 16; 1 ]

/// A redis-benchmark workload: its figure for each size at each depth, and the columns' headings.
let private benchGroup (settings: Settings) title description (tino, redis) (garnet, remark) sizes figure =
    { Title = $"{title} (redis-benchmark -c {settings.Clients})"
      Description = description
      RowHeading = "bytes"
      Tino = tino
      Others = redis :: garnet
      Remark = remark
      Unit = "req/s"
      Figures = [ for bytes in sizes do for pipeline in pipelines -> figure bytes pipeline ] }

// ---- the workloads ----

/// Both ways: ECHO_BIN of a bin against ECHO of the same bytes; each reply is the request's argument.
let echoGroup (settings: Settings) (servers: Servers) (sizes: int list) =
    let title = "Both ways: Tino ECHO_BIN against ECHO"
    let figure bytes pipeline =
        let payload = bin bytes
        let file = binFile bytes
        let call port name = benchCommandWithFile settings port pipeline (payloadRequests settings bytes pipeline) [ name ] file
        let check () =
            expectSentWhole settings servers.RedisPort file
            expectReply "Tino" servers.TinoPort [ "ECHO_BIN"B; payload ] (bulk payload)
            expectReply "redis-server" servers.RedisPort [ "ECHO"B; payload ] (bulk payload)
            garnetPort servers |> Option.iter (fun port -> expectReply "Garnet" port [ "ECHO"B; payload ] (bulk payload))
        let garnet = garnetPort servers |> Option.map (fun port -> call port "ECHO") |> Option.toList
        benchFigure settings title bytes pipeline check ([ call servers.TinoPort "ECHO_BIN"; call servers.RedisPort "ECHO" ] @ garnet)
    let description =
        [ "The same request bytes to each server: a MessagePack bin of the size in all (the header c5 and two bytes of"
          "length, then (i mod 255) + 1), which Tino's `echo_bin` returns as it came (borrowed, not copied) and ECHO"
          "returns as a string: the replies are byte for byte the same too." ]
    benchGroup settings title description ("Tino ECHO_BIN", "redis-server ECHO") (garnetColumn servers "Garnet ECHO") sizes figure

/// Bytes in: BLOB_LEN of a bin (a small integer back) against SET of the same bytes (+OK back).
let bytesInGroup (settings: Settings) (servers: Servers) (sizes: int list) =
    let title = "Bytes in: Tino BLOB_LEN against redis-server SET"
    let figure bytes pipeline =
        let payload = bin bytes
        let file = binFile bytes
        let call port names = benchCommandWithFile settings port pipeline (payloadRequests settings bytes pipeline) names file
        let check () =
            expectSentWhole settings servers.RedisPort file
            expectReply "Tino" servers.TinoPort [ "BLOB_LEN"B; payload ] (bulk (uint16Of (bytes - 3)))
            expectReply "redis-server" servers.RedisPort [ "SET"B; "payload"B; payload ] "+OK\r\n"B
        benchFigure settings title bytes pipeline check [ call servers.TinoPort [ "BLOB_LEN" ]; call servers.RedisPort [ "SET"; "payload" ] ]
    let description =
        [ "The same argument as above (a bin of the size in all); Tino's `blob_len` takes it as a `byte[]` and replies"
          "its length, redis-server stores it and replies +OK." ]
    benchGroup settings title description ("Tino BLOB_LEN", "redis-server SET") ([], None) sizes figure

/// Bytes out: BLOB n (a bin of n bytes, the last one kept) against GET of a value that is that very reply.
let bytesOutGroup (settings: Settings) (servers: Servers) (sizes: int list) =
    let title = "Bytes out: Tino BLOB against redis-server GET"
    let figure bytes pipeline =
        let value = blobValue bytes
        let argument = uint16Of (bytes - 3)
        let file = payloadFile $"blob-argument-{bytes}.bin" argument
        let key = $"blob-{bytes}"
        let requests = payloadRequests settings bytes pipeline
        let check () =
            expectReply "redis-server" servers.RedisPort [ "SET"B; Encoding.ASCII.GetBytes key; value ] "+OK\r\n"B
            expectSentWhole settings servers.RedisPort file
            expectReply "Tino" servers.TinoPort [ "BLOB"B; argument ] (bulk value)
            expectReply "redis-server" servers.RedisPort [ "GET"B; Encoding.ASCII.GetBytes key ] (bulk value)
        let tino = benchCommandWithFile settings servers.TinoPort pipeline requests [ "BLOB" ] file
        let redis = benchCommandOf settings servers.RedisPort pipeline requests [ "GET"; key ] $"GET {key}"
        benchFigure settings title bytes pipeline check [ tino; redis ]
    let description =
        [ "Tino's `blob n` replies a bin of n bytes (i mod 251), n being the size less the bin's 3-byte header (the"
          "argument file holds its MessagePack, cd and two bytes); the interop server keeps the last blob it made, as a"
          "store keeps a value. redis-server's value is set beforehand to that very reply, so both send the same bytes"
          "back from memory." ]
    benchGroup settings title description ("Tino BLOB", "redis-server GET") ([], None) sizes figure

/// Past redis-benchmark: the Tino client's echo_bin against StackExchange.Redis's ECHO, ClientLoad --payload.
let clientGroup (settings: Settings) (servers: Servers) =
    let title = "Both ways, larger: the Tino client's echo_bin against StackExchange.Redis ECHO"
    let figure (bytes, callers) =
        let settings = { settings with Clients = callers }
        let extra = [ "--payload"; string bytes ]
        let runs = [ "tino", servers.TinoPort; "redis", servers.RedisPort ] @ (garnetPort servers |> Option.map (fun port -> "redis", port) |> Option.toList)
        let measures = runs |> List.map (fun (target, port) () -> clientLoad settings target port extra)
        let name = $"{title}, {bytes} bytes, {callers} callers"
        { Row = number (float bytes)
          Load = $"{callers} callers"
          Commands = runs |> List.map (fun (target, port) -> clientLoadShown settings target port extra)
          Outcome = attempt name (fun () -> rounds settings name measures) }
    let heading, remark = garnetColumn servers "Garnet ECHO"
    { Title = $"{title} (ClientLoad, one connection)"
      Description =
        [ "ClientLoad --payload: the Tino client calls `echo_bin` with a bin of the size (its argument encoded once, sent"
          "with `CallRawAsync`), StackExchange.Redis calls ECHO with the same bytes through one multiplexer. Each call"
          "checks the reply's length, and the first reply is compared byte for byte. The largest size is 16 MiB less the"
          "5 bytes of a bin 32 header: the argument is then exactly the server's default MaxArgumentBytes." ]
      RowHeading = "bytes"
      Tino = "Tino client echo_bin"
      Others = "redis-server ECHO" :: heading
      Remark = remark
      Unit = "calls/s"
      Figures = List.map figure settings.ClientPayloads }

// ---- the servers, and every payload workload with them ----

/// The servers' ports, chosen before anything starts, and the commands that start them.
let ports (firstPort: int) =
    let tino = freePort firstPort
    let redis = freePort (tino + 1)
    let garnet = freePort (redis + 1)
    tino, redis, garnet

let serversShown (tino, redis, garnet) (garnetInstalled: Outcome<unit>) =
    [ interopShown tino ]
    @ redisShown redis
    @ (match garnetInstalled with
       | Measured() -> [ garnetShown garnet ]
       | _ -> [])

/// Each server once through 16 KiB ECHO at -P 16 before anything is measured (JIT and tiered compilation in Tino
/// and Garnet; redis-server too, for the same start).
let private warmUp (settings: Settings) (servers: Servers) =
    let file = binFile 16384
    let call port name = benchCommandWithFile settings port 16 (payloadRequests settings 16384 16) [ name ] file
    let calls = [ call servers.TinoPort "ECHO_BIN"; call servers.RedisPort "ECHO" ] @ (garnetPort servers |> Option.map (fun port -> call port "ECHO") |> Option.toList)
    for call in calls do
        printfn "warming up: %s" call.Shown
        redisBenchmark call |> ignore

/// Garnet started when it is installed; when it is not, or does not start, its columns are skipped.
let private startGarnetOrSkip (installed: Outcome<unit>) (port: int) : Outcome<Server> =
    match installed with
    | Measured() ->
        match attempt "starting Garnet" (fun () -> startGarnet port) with
        | Failed message -> Skipped $"it did not start: {message}"
        | started -> started
    | Skipped reason
    | Failed reason -> Skipped reason

/// Starts Tino, redis-server and Garnet, runs every payload workload, and stops them.
let measure (settings: Settings) (tinoPort, redisPort, garnetPort) (garnetInstalled: Outcome<unit>) : PayloadGroup list =
    withServer (startInterop tinoPort) (fun _ ->
        withServer (startRedis redisPort) (fun _ ->
            let garnet = startGarnetOrSkip garnetInstalled garnetPort
            try
                let servers = { TinoPort = tinoPort; RedisPort = redisPort; GarnetServer = garnet }
                warmUp settings servers
                let oneWay = if settings.Quick then [ 16384 ] else [ 1024; 16384 ]
                [ echoGroup settings servers [ 1024; 16384; 61440 ]
                  bytesInGroup settings servers oneWay
                  bytesOutGroup settings servers oneWay
                  clientGroup settings servers ]
            finally
                match garnet with
                | Measured server -> stop server
                | _ -> ()))
