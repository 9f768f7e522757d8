/// docs/deploy.md's walk, run as a reader would: deploy/local/three-instances.sh starts three interop servers on a
/// Redis backplane behind HAProxy; a subscriber through HAProxy hears what `tino call` publishes on every instance,
/// goes on hearing after its instance is killed and it subscribes again, and SIGTERM stops everything.
module Tino.Tests.ScaleOut.LocalWalkTests

open System
open System.Diagnostics
open System.IO
open System.Net.Sockets
open System.Text.RegularExpressions
open System.Threading
open System.Threading.Tasks
open Expecto
open Tino.Tests.Hosting.TestServer
open Tino.Tests.Interop.ClientInteropTests
open Tino.Tests.ScaleOut.Processes
open Tino.Tests.ScaleOut.ScaleOutTests

/// `tino call` to the server on `port` (HAProxy's: a new connection, so whichever instance it picks); what it printed.
let private call (port: int) (args: string list) =
    let code, out, err = Tino.Tests.Cli.CliTests.tino ("call" :: $"redis://127.0.0.1:{port}" :: args)
    Expect.equal code 0 $"tino call {args} succeeded: {err}"
    out.Trim()

/// A RESP connection through HAProxy, subscribed to "news"; the PID of the instance it reached. HAProxy closes a
/// client's connection when it cannot reach an instance in time, or when a check marks the instance down (the
/// script's `shutdown-sessions`), as a loaded machine can make happen: a closed connection is made again, as a
/// client would, up to five times; the last failure shows HAProxy's log.
let private subscriber (haproxyPort: int) (haproxyLog: unit -> string) =
    let rec attempt tries =
        let connection = new RespConnection(haproxyPort)
        try
            let pid = serverPid (fun command -> Task.FromResult(connection.Call command))
            Expect.equal (text (connection.Call("SUBSCRIBE", ascii "news")).Items[0]) "subscribe" "subscribed"
            connection, pid
        with e when e.Message = "the server closed the connection" ->
            (connection :> IDisposable).Dispose()
            if tries = 1 then failwithf "HAProxy closed every connection; its log: %s" (haproxyLog ())
            Thread.Sleep 500
            attempt (tries - 1)
    attempt 5

let private heard (connection: RespConnection) = value<string> (connection.ReadReply().Items[2])

let private refuses (port: int) =
    try
        use probe = new TcpClient()
        probe.Connect("127.0.0.1", port)
        false
    with :? SocketException -> true

[<Tests>]
let tests =
    testSequenced <| testList "Local walk" [
        test "docs/deploy.md's three instances on a Redis backplane behind HAProxy, as its script starts them" {
            haproxy.Force() |> ignore
            redisServer.Force()
            let redisPort, haproxyPort = freePort (), freePort ()
            let ports = [ for _ in 1..3 -> freePort () ]
            let script = Path.Combine(repoRoot.Force(), "deploy", "local", "three-instances.sh")
            let environment =
                [ "REDIS_PORT", string redisPort
                  "TINO_PORTS", String.Join(" ", ports)
                  "HAPROXY_PORT", string haproxyPort
                  "PATH", $"""{Environment.GetEnvironmentVariable "PATH"}:/usr/sbin""" ]
            use walk = new Child("bash", [ script ], environment = environment)
            walk.WaitForLine(Regex "^ready: ", TimeSpan.FromMinutes 2.0) |> ignore
            let pids = [ for found in Regex.Matches(walk.Output, @"instance on port \d+: pid (\d+)") -> int found.Groups[1].Value ]
            let work = (walk.WaitForLine(Regex @"logs and haproxy\.sock in (\S+)\)", TimeSpan.Zero)).Groups[1].Value
            // On one line: CI shows the first lines of a failure's message.
            let haproxyLog () = File.ReadAllText(Path.Combine(work, "haproxy.log")).Trim().ReplaceLineEndings " | "
            Expect.equal pids.Length 3 $"three instances:\n{walk.Output}"

            let first, firstPid = subscriber haproxyPort haproxyLog
            Expect.contains pids firstPid "the subscriber reached one of the script's instances"
            // A publish on each instance: the subscriber's own counts it, and all three reach it through Redis.
            let counts = [ for port in ports -> call port [ "notify"; "\"news\""; $"\"on {port}\"" ] ]
            Expect.equal (List.sort counts) [ "0"; "0"; "1" ] "one publish ran on the subscriber's instance, two elsewhere"
            // Publishes on different instances have no order among them: one delivered locally can overtake one on its way through Redis.
            Expect.equal (List.sort [ for _ in ports -> heard first ]) (List.sort [ for port in ports -> $"on {port}" ]) "every publish heard"
            call haproxyPort [ "notify"; "\"news\""; "\"through HAProxy\"" ] |> ignore
            Expect.equal (heard first) "through HAProxy" "a publish through HAProxy heard"

            Process.GetProcessById(firstPid).Kill()
            Expect.isTrue (first.IsClosedByServer()) "the subscriber's connection closed with its instance"
            (first :> IDisposable).Dispose()
            let second, secondPid = subscriber haproxyPort haproxyLog
            Expect.notEqual secondPid firstPid "subscribed again, on an instance left"
            let after = [ for i in 1..4 -> call haproxyPort [ "notify"; "\"news\""; $"\"again {i}\"" ] ]
            Expect.equal (List.sort [ for _ in 1..4 -> heard second ]) [ for i in 1..4 -> $"again {i}" ] $"every publish heard after the kill: {after}"
            Expect.equal [ for _ in 1..6 -> call haproxyPort [ "add"; "1"; "2" ] ] (List.replicate 6 "3") "calls are answered"
            (second :> IDisposable).Dispose()

            Process.Start("kill", [ "-TERM"; string walk.Id ]).WaitForExit()
            Expect.equal (walk.WaitForExit(TimeSpan.FromSeconds 30.0)) (Some 0) $"SIGTERM stops the walk:\n{walk.Output}"
            Expect.all (haproxyPort :: redisPort :: ports) refuses "nothing listens once it stopped"
        }
    ]
