module Tino.Tests.Hosting.BuiltinTests

open System.Text
open Expecto
open Tino
open Tino.Protocol
open Tino.Tests.Hosting.TestServer
open Tino.Tests.Hosting.ServerTests

let simple (reply: RespReply) =
    Expect.equal reply.Kind RespReplyKind.SimpleString $"a simple string, got {text reply}"
    text reply

let bulkText (reply: RespReply) =
    Expect.equal reply.Kind RespReplyKind.BulkString $"a bulk string, got {text reply}"
    text reply

[<Tests>]
let builtins =
    testSequenced <| testList "TinoServer built-ins" [
        test "PING replies PONG and PING <message> replies the raw message" {
            withServer (fun server ->
                use c = connect server
                Expect.equal (simple (c.Call("PING"))) "PONG" "pong"
                Expect.equal ((c.Call("ping", [| 0uy; 13uy; 10uy; 255uy |])).Bytes.ToArray()) [| 0uy; 13uy; 10uy; 255uy |] "raw bytes")
        }
        test "ECHO replies its argument byte for byte" {
            withServer (fun server ->
                use c = connect server
                let bytes = Array.init 16 (fun i -> byte (i * 17))
                Expect.equal ((c.Call("ECHO", bytes)).Bytes.ToArray()) bytes "echo")
        }
        test "a built-in with the wrong number of arguments replies Redis's ERR" {
            withServer (fun server ->
                use c = connect server
                Expect.equal (errorText (c.Call("ECHO"))) "ERR wrong number of arguments for 'echo' command" "echo"
                Expect.equal (errorText (c.Call("PING", ascii "a", ascii "b"))) "ERR wrong number of arguments for 'ping' command" "ping"
                Expect.equal (errorText (c.Call("AUTH"))) "ERR wrong number of arguments for 'auth' command" "auth")
        }
        test "QUIT replies OK after every earlier reply and closes" {
            withServer (fun server ->
                use c = connect server
                c.Send(Array.concat [ request "add" [ mp 1; mp 2 ]; request "QUIT" []; request "add" [ mp 5; mp 5 ] ])
                Expect.equal (value<int64> (c.ReadReply())) 3L "earlier reply first"
                Expect.equal (simple (c.ReadReply())) "OK" "OK"
                Expect.isTrue (c.IsClosedByServer()) "closed, the later request unanswered"
                Expect.equal c.Unread 0 "nothing after OK")
        }
        test "AUTH with a good password authenticates the connection for auth-only commands" {
            withServer (fun server ->
                use c = connect server
                Expect.equal (simple (c.Call("AUTH", ascii "tinaspassword"))) "OK" "auth"
                Expect.equal (value<string> (c.Call("whoami"))) "tina" "whoami")
        }
        test "AUTH with a user name hands both to the auth function" {
            let app =
                TinoApp.Empty
                    .WithAuth(AuthHandler.Create<string>(fun (credentials: AuthCredentials) _ ->
                        System.Threading.Tasks.ValueTask<string | null>(if credentials.PasswordText = "pw" then credentials.UserName else null)))
                    .WithCommand("whoami", System.Func<AuthRequired<string>, string>(fun auth -> auth.Value))
            withApp app (fun server ->
                use c = connect server
                Expect.equal (simple (c.Call("AUTH", ascii "ann", ascii "pw"))) "OK" "auth"
                Expect.equal (value<string> (c.Call("whoami"))) "ann" "user name")
        }
        test "a failed AUTH replies PERMISSION_DENIED and closes" {
            withServer (fun server ->
                use c = connect server
                Expect.equal (errorText (c.Call("AUTH", ascii "wrong"))) invalidPassword "denied"
                Expect.isTrue (c.IsClosedByServer()) "closed")
        }
        test "a refused AUTH says which credentials were wrong, apart from a call made before AUTH" {
            let app =
                TinoApp.Empty
                    .WithAuth(AuthHandler.Create<string>(fun (credentials: AuthCredentials) _ ->
                        if credentials.PasswordText = "boom" then failwith "the user store is down"
                        System.Threading.Tasks.ValueTask<string | null>(if credentials.PasswordText = "pw" then credentials.UserName else null)))
                    .WithCommand("whoami", System.Func<AuthRequired<string>, string>(fun auth -> auth.Value))
            withApp app (fun server ->
                use before = connect server
                Expect.equal (errorText (before.Call("whoami"))) notAuthenticated "no AUTH yet: says to send it"
                Expect.equal (simple (before.Call("PING"))) "PONG" "and stays open"
                use password = connect server
                Expect.equal (errorText (password.Call("AUTH", ascii "nope"))) invalidPassword "a wrong password"
                use pair = connect server
                Expect.equal (errorText (pair.Call("AUTH", ascii "ann", ascii "nope"))) "PERMISSION_DENIED \"invalid username-password pair\"" "a wrong pair"
                use hello = connect server
                let refused = hello.Call("HELLO", ascii "2", ascii "AUTH", ascii "ann", ascii "nope")
                Expect.equal (errorText refused) "PERMISSION_DENIED \"invalid username-password pair\"" "HELLO's AUTH"
                use broken = connect server
                Expect.equal (errorText (broken.Call("AUTH", ascii "boom"))) "PERMISSION_DENIED \"AUTH failed: the server's auth function threw (see the server's log)\"" "not the caller's fault")
        }
        test "AUTH on an app without an auth function is denied" {
            withApp (TinoApp.Empty.WithCommand("one", System.Func<int>(fun () -> 1))) (fun server ->
                use c = connect server
                Expect.equal (errorText (c.Call("AUTH", ascii "x"))) "PERMISSION_DENIED \"this server takes no AUTH (it has no auth function)\"" "denied")
        }
        test "HELLO and HELLO 2 reply the RESP2 info array" {
            withServer (fun server ->
                use c = connect server
                for args in [ [||]; [| ascii "2" |] ] do
                    let reply = c.Call("HELLO", args)
                    Expect.equal reply.Kind RespReplyKind.Array "array"
                    let items = reply.Items |> Seq.map (fun i -> if i.Kind = RespReplyKind.Integer then string i.Integer else text i) |> List.ofSeq
                    Expect.equal items[0..1] [ "server"; "tino" ] "server"
                    Expect.equal items[4..5] [ "proto"; "2" ] "proto"
                    Expect.equal items[8..11] [ "mode"; "standalone"; "role"; "master" ] "mode and role")
        }
        test "HELLO 3 replies NOPROTO and the connection stays on RESP2" {
            withServer (fun server ->
                use c = connect server
                Expect.equal (errorText (c.Call("HELLO", ascii "3"))) "NOPROTO unsupported protocol version" "noproto"
                Expect.equal (simple (c.Call("PING"))) "PONG" "still RESP2")
        }
        test "HELLO 2 AUTH authenticates like AUTH" {
            withServer (fun server ->
                use c = connect server
                Expect.equal (c.Call("HELLO", ascii "2", ascii "AUTH", ascii "default", ascii "bobspassword")).Kind RespReplyKind.Array "hello"
                Expect.equal (value<string> (c.Call("whoami"))) "bob" "authenticated")
        }
        test "CLIENT SETNAME, SETINFO, GETNAME and ID answer as Redis does" {
            withServer (fun server ->
                use c = connect server
                use other = connect server
                Expect.equal (simple (c.Call("CLIENT", ascii "SETNAME", ascii "me"))) "OK" "setname"
                Expect.equal (simple (c.Call("client", ascii "setinfo", ascii "lib-name", ascii "x"))) "OK" "setinfo"
                Expect.equal (bulkText (c.Call("CLIENT", ascii "GETNAME"))) "me" "getname"
                let id = (c.Call("CLIENT", ascii "ID")).Integer
                Expect.notEqual id ((other.Call("CLIENT", ascii "ID")).Integer) "unique per connection"
                expectErrorStarts "ERR unknown subcommand 'KILL'" (c.Call("CLIENT", ascii "KILL")))
        }
        test "SELECT 0 is OK and any other database is an error" {
            withServer (fun server ->
                use c = connect server
                Expect.equal (simple (c.Call("SELECT", ascii "0"))) "OK" "zero"
                expectErrorStarts "ERR" (c.Call("SELECT", ascii "1")))
        }
        test "CONFIG GET replies an empty array" {
            withServer (fun server ->
                use c = connect server
                let reply = c.Call("CONFIG", ascii "GET", ascii "save")
                Expect.equal (reply.Kind, reply.Items.Count) (RespReplyKind.Array, 0) "empty")
        }
        test "INFO replies a short text naming the server" {
            withServer (fun server ->
                use c = connect server
                let info = bulkText (c.Call("INFO"))
                Expect.stringStarts info "# Server" "server section"
                Expect.stringContains info "tino_version:" "version"
                Expect.stringContains (bulkText (c.Call("INFO", ascii "replication"))) "role:master" "replication")
        }
        test "COMMAND COUNT counts built-ins and the app's commands" {
            withServer (fun server ->
                use c = connect server
                let count = (c.Call("COMMAND", ascii "COUNT")).Integer
                Expect.equal count (int64 (Tino.Hosting.Commands.Builtins.All.Count + (TestApp.create ()).Commands.Length)) "the built-ins and the app's commands")
        }
        test "the rest of a Redis client's handshake gets clean errors and the connection stays open" {
            withServer (fun server ->
                use c = connect server
                expectErrorStarts "INVALID_COMMAND SENTINEL" (c.Call("SENTINEL", ascii "MASTERS"))
                expectErrorStarts "INVALID_COMMAND CLUSTER" (c.Call("CLUSTER", ascii "SLOTS"))
                expectErrorStarts "INVALID_COMMAND GET" (c.Call("GET", ascii "__Booksleeve_TieBreak"))
                Expect.equal (simple (c.Call("PING"))) "PONG" "open")
        }
        test "inline commands work for telnet users" {
            withServer (fun server ->
                use c = connect server
                c.Send(ascii "PING\r\n")
                Expect.equal (simple (c.ReadReply())) "PONG" "inline ping"
                c.Send(ascii "ECHO hello\n")
                Expect.equal (bulkText (c.ReadReply())) "hello" "inline echo")
        }
        test "*0 and *-1 requests get no reply" {
            withServer (fun server ->
                use c = connect server
                c.Send(Array.concat [ ascii "*0\r\n*-1\r\n"; request "PING" [] ])
                Expect.equal (simple (c.ReadReply())) "PONG" "only the ping is answered")
        }
    ]
