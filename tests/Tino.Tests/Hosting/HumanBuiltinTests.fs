/// The built-ins for people and tools (PROTOCOL.md section 4): TINO.JSON, TINO.CODEC, TINO.SCHEMA, COMMAND and HELLO,
/// each reply pinned byte for byte.
module Tino.Tests.Hosting.HumanBuiltinTests

open System
open System.Buffers
open System.Net
open System.Net.Sockets
open System.Text
open Expecto
open Tino
open Tino.Hosting
open Tino.Protocol
open Tino.Serialization
open Tino.Tests.Hosting.TestServer
open Tino.Tests.Hosting.ServerTests

/// Enough of a formatter for an F# union that an app taking one can be built; the fronts bring real ones.
type ShapeFormatter() =
    interface MessagePack.Formatters.IMessagePackFormatter<Tino.Tests.Serialization.JsonTests.Shape> with
        member _.Serialize(writer: byref<MessagePack.MessagePackWriter>, _value, _options) = writer.WriteNil()
        member _.Deserialize(reader: byref<MessagePack.MessagePackReader>, _options) =
            reader.Skip()
            Tino.Tests.Serialization.JsonTests.Circle 0.0

/// Sends `requests` on a new connection and returns the raw bytes of the next `count` replies, each as Latin-1 text.
let rawReplies (server: TinoServer) (requests: byte[] list) (count: int) : string list =
    use client = new TcpClient(NoDelay = true)
    client.Connect(IPAddress.Loopback, portOf server)
    let stream = client.GetStream()
    stream.ReadTimeout <- 15000
    let sent = Array.concat requests
    stream.Write(sent, 0, sent.Length)
    let mutable received = [||]
    let replies = ResizeArray<string>()
    let chunk = Array.zeroCreate<byte> 65536
    while replies.Count < count do
        let mutable reader = SequenceReader<byte>(ReadOnlySequence<byte>(received))
        let mutable reply = Unchecked.defaultof<RespReply>
        let mutable error = Unchecked.defaultof<RespError>
        match RespReplyParser.TryRead(&reader, &reply, &error) with
        | RespStatus.Complete ->
            replies.Add(Encoding.Latin1.GetString(received, 0, int reader.Consumed))
            received <- received[int reader.Consumed ..]
        | RespStatus.Incomplete ->
            let n = stream.Read(chunk, 0, chunk.Length)
            if n = 0 then failwith "the server closed the connection"
            received <- Array.append received chunk[.. n - 1]
        | _ -> failwithf "not RESP: %s" error.Message
    List.ofSeq replies

let words (text: string) = text.Split(' ') |> Array.map Encoding.UTF8.GetBytes |> List.ofArray

/// A request of text words, as redis-cli sends what a person types.
let typed (line: string) = let parts = words line in request (Encoding.ASCII.GetString parts.Head) parts.Tail

let bulk (text: string) = $"${Encoding.UTF8.GetByteCount text}\r\n{text}\r\n"

let reply server line = rawReplies server [ typed line ] 1 |> List.head

/// What redis-cli 7.2+ makes of one command's COMMAND DOCS entry (src/redis-cli.c, cliInitCommandHelpEntry):
/// it asserts the shapes it reads, and joins the arguments into the hint it shows.
let rec hintOf (argument: RespReply) : string =
    let fields = argument.Items |> Seq.chunkBySize 2 |> Seq.map (fun pair -> text pair[0], pair[1]) |> Map.ofSeq
    let flags = fields |> Map.tryFind "flags" |> Option.map (fun f -> f.Items |> Seq.map (fun i -> Expect.equal i.Kind RespReplyKind.SimpleString "flags are status replies"; text i) |> Set.ofSeq) |> Option.defaultValue Set.empty
    let name = text fields["name"]
    Expect.equal fields["type"].Kind RespReplyKind.BulkString "type is a string"
    Expect.contains [ "key"; "string"; "integer"; "double"; "pattern"; "unix-time"; "token" ] (text fields["type"]) "a type redis-cli knows"
    let repeated = if flags.Contains "multiple" then $"{name} [{name} ...]" else name
    if flags.Contains "optional" then $"[{repeated}]" else repeated

let hints (docs: RespReply) : Map<string, string> =
    Expect.equal docs.Kind RespReplyKind.Array "COMMAND DOCS is an array"
    [ for pair in docs.Items |> Seq.chunkBySize 2 ->
        Expect.equal pair[0].Kind RespReplyKind.BulkString "a name"
        Expect.equal pair[1].Kind RespReplyKind.Array "then its docs"
        let spec = pair[1].Items |> Seq.chunkBySize 2 |> Seq.map (fun kv -> text kv[0], kv[1]) |> Map.ofSeq
        for key in [ "summary"; "since"; "group" ] do
            Expect.equal spec[key].Kind RespReplyKind.BulkString $"{key} is a string"
        text pair[0], (spec["arguments"].Items |> Seq.map hintOf |> String.concat " ") ]
    |> Map.ofList

[<Tests>]
let tests =
    testSequenced <| testList "Built-ins for people and tools" [
        testList "TINO.JSON" [
            test "calls a command with JSON arguments and replies compact JSON text" {
                withServer (fun server ->
                    Expect.equal (reply server "TINO.JSON add 1 2") "$1\r\n3\r\n" "redis-cli TINO.JSON add 1 2 prints 3"
                    Expect.equal (reply server """TINO.JSON create_note {"text":"milk","completed":false}""") (bulk """{"id":1,"text":"milk","completed":false}""") "a record"
                    Expect.equal (reply server "TINO.JSON get_note 99") "$4\r\nnull\r\n" "nil"
                    Expect.equal (reply server """TINO.JSON concat ["a","ü"]""") (bulk "\"aü\"" |> Encoding.UTF8.GetBytes |> Encoding.Latin1.GetString) "a string"
                    Expect.equal (reply server "TINO.JSON blob 3") (bulk "\"AAEC\"") "bin is base64"
                    Expect.equal (reply server "TINO.JSON blob_len \"AAECAw==\"") "$1\r\n4\r\n" "base64 for a bin parameter"
                    Expect.equal (reply server """TINO.JSON echo_value {"a":[1,2.5,null,true]}""") (bulk """{"a":[1,2.5,null,true]}""") "any value")
            }
            test "timestamps are ISO-8601 both ways, and maps with integer keys have them as text" {
                let app =
                    TinoApp.Empty
                        .WithCommand("later", Func<DateTime, DateTime>(fun at -> at.AddHours 1.5))
                        .WithCommand("invert", Func<Collections.Generic.Dictionary<int, string>, Collections.Generic.Dictionary<string, int>>(fun map ->
                            let inverted = Collections.Generic.Dictionary<string, int>()
                            for pair in map do inverted[pair.Value] <- pair.Key
                            inverted))
                        .WithCommand("squares", Func<int, Collections.Generic.Dictionary<int, int>>(fun n -> Collections.Generic.Dictionary<int, int>(dict [ for i in 1..n -> i, i * i ])))
                withApp app (fun server ->
                    Expect.equal (reply server "TINO.JSON later \"2024-05-06T07:08:09.25Z\"") (bulk "\"2024-05-06T08:38:09.25Z\"") "a timestamp"
                    Expect.equal (reply server "TINO.JSON later \"2024-05-06\"") (bulk "\"2024-05-06T01:30:00Z\"") "a date"
                    Expect.equal (reply server """TINO.JSON invert {"7":"seven"}""") (bulk """{"seven":7}""") "integer keys from text"
                    Expect.equal (reply server "TINO.JSON squares 2") (bulk """{"1":1,"2":4}""") "integer keys as text"
                    Expect.stringStarts (reply server "TINO.JSON later \"yesterday\"") "-VALIDATION_ERROR [\"command\",\"at\"] " "not a timestamp")
            }
            test "a stream called plainly becomes one JSON array" {
                withServer (fun server ->
                    Expect.equal (reply server "TINO.JSON range 3") (bulk "[0,1,2]") "one JSON array"
                    Expect.equal (reply server "TINO.JSON range 0") (bulk "[]") "an empty stream is an empty array")
            }
            test "a reply a middleware writes itself is sent as it is, also on a JSON call" {
                let cached =
                    CommandMiddleware(fun next ->
                        CommandDelegate(fun context ->
                            if context.Command.Name = "range" then
                                context.Output.Write(ReadOnlySpan(Encoding.Latin1.GetBytes "$1\r\n\u0007\r\n"))
                                Threading.Tasks.ValueTask()
                            else next.Invoke context))
                let app = TinoApp.Empty.WithCommand("range", Func<int, int>(id)).WithMiddleware(cached)
                withApp app (fun server -> Expect.equal (reply server "TINO.JSON range 3") "$1\r\n\u0007\r\n" "the middleware's bytes (MessagePack 7), not JSON")
            }
            test "every error is the one the same call in MessagePack gets" {
                withServer (fun server ->
                    use c = connect server
                    let pairs =
                        [ "TINO.JSON add 1", c.Call("add", mp 1)
                          "TINO.JSON add \"x\" 1", c.Call("add", mp "x", mp 1)
                          "TINO.JSON add 4294967296 1", c.Call("add", mp 4294967296L, mp 1)
                          "TINO.JSON whoami", c.Call("whoami")
                          "TINO.JSON fail \"NOT_FOUND\" \"gone\"", c.Call("fail", mp "NOT_FOUND", mp "gone")
                          """TINO.JSON create_note {"text":"milk"}""", c.Call("create_note", mp (dict [ "text", "milk" ]))
                          "TINO.JSON nope 1", c.Call("nope", mp 1) ]
                    for line, expected in pairs do
                        Expect.equal (reply server line) $"-{errorText expected}\r\n" line
                    // Text that is not base64 stays a string, and a string sent to a bin parameter is read as its UTF-8 bytes.
                    Expect.equal (reply server "TINO.JSON blob_len \"not_base64\"") "$2\r\n10\r\n" "as MessagePack would")
            }
            test "text that is not JSON replies INVALID_JSON located at the parameter" {
                withServer (fun server ->
                    Expect.equal (reply server "TINO.JSON add 1 x") "-INVALID_JSON [\"command\",\"b\"] \"'x' is an invalid start of a value (line 1, byte 1)\"\r\n" "x"
                    Expect.stringStarts (reply server "TINO.JSON concat [1,") "-INVALID_JSON [\"command\",\"parts\"] \"" "truncated"
                    Expect.equal (reply server "TINO.JSON") "-ERR wrong number of arguments for 'tino.json' command\r\n" "no command")
            }
            test "a bare word for a string parameter replies how to quote it, the hint first so that it is never cut" {
                withServer (fun server ->
                    Expect.equal
                        (reply server "TINO.JSON fail apple \"gone\"")
                        ("""-INVALID_JSON ["command","code"] "not JSON; quote a string: '\"apple\"' in redis-cli or a shell ('a' is an invalid start of a value)"""
                         + "\"\r\n")
                        "the word, quoted as it must be typed"
                    let long = reply server ("TINO.JSON fail " + String('w', 200) + " \"gone\"")
                    Expect.stringStarts long """-INVALID_JSON ["command","code"] "not JSON; quote a string: '\"...\"' in redis-cli or a shell""" "a long word is not echoed"
                    Expect.isLessThanOrEqual (long.Length - "-INVALID_JSON \r\n".Length) 128 "within the detail limit"
                    Expect.stringContains (reply server "TINO.JSON fail 12abc \"gone\"") "quote a string: '\\\"12abc\\\"'" "a word that starts like a number"
                    Expect.isFalse ((reply server "TINO.JSON fail \"apple \"gone\"").Contains "quote a string") "a string begun but broken: the parser's own words"
                    Expect.isFalse ((reply server "TINO.JSON add 1 x").Contains "quote a string") "not for a number parameter")
            }
            test "a call that needs auth is refused before its JSON is read, and works after AUTH" {
                withServer (fun server ->
                    Expect.equal (reply server "TINO.JSON whoami") $"-{notAuthenticated}\r\n" "denied"
                    let replies = rawReplies server [ request "AUTH" [ ascii "tinaspassword" ]; typed "TINO.JSON whoami" ] 2
                    Expect.equal replies [ "+OK\r\n"; bulk "\"tina\"" ] "tina")
            }
            test "an asynchronous command replies in order with the calls around it" {
                withServer (fun server ->
                    let replies = rawReplies server [ typed "TINO.JSON sleep 30"; request "add" [ mp 1; mp 2 ]; typed "TINO.JSON counter" ] 3
                    Expect.equal replies [ "$2\r\n30\r\n"; "$1\r\n\003\r\n"; "$1\r\n1\r\n" ] "in order")
            }
        ]
        testList "TINO.CODEC" [
            test "json switches the connection's app commands to JSON text and msgpack switches back" {
                withServer (fun server ->
                    let replies =
                        rawReplies server [
                            typed "TINO.CODEC json"; typed "add 40 2"; typed "counter"; typed "counter"; typed "PING"
                            typed "add 1 x"; typed "TINO.CODEC MSGPACK"; request "add" [ mp 1; mp 2 ] ] 8
                    Expect.equal replies [
                        "+OK\r\n"; "$2\r\n42\r\n"; "$1\r\n1\r\n"; "$1\r\n2\r\n"; "+PONG\r\n"
                        "-INVALID_JSON [\"command\",\"b\"] \"'x' is an invalid start of a value (line 1, byte 1)\"\r\n"
                        "+OK\r\n"; "$1\r\n\003\r\n" ] "json, then MessagePack again")
            }
            test "JSON calls keep request order when the app lets calls overlap" {
                withApp ((TestApp.create ()).WithOptions(TinoOptions(MaxConcurrentCallsPerConnection = 4))) (fun server ->
                    let replies =
                        rawReplies server [ request "sleep" [ mp 40 ]; typed "TINO.CODEC json"; typed "sleep 20"; typed "add 1 1"; typed "TINO.CODEC msgpack"; request "sleep" [ mp 1 ] ] 6
                    Expect.equal replies [ "$1\r\n(\r\n"; "+OK\r\n"; "$2\r\n20\r\n"; "$1\r\n2\r\n"; "+OK\r\n"; "$1\r\n\001\r\n" ] "in order")
            }
            test "an unknown codec is an error and changes nothing" {
                withServer (fun server ->
                    let replies = rawReplies server [ typed "TINO.CODEC xml"; request "add" [ mp 1; mp 2 ]; typed "TINO.CODEC" ] 3
                    Expect.equal replies [
                        "-ERR unknown codec 'xml': use json or msgpack\r\n"; "$1\r\n\003\r\n"
                        "-ERR wrong number of arguments for 'tino.codec' command\r\n" ] "unchanged")
            }
        ]
        testList "TINO.SCHEMA" [
            test "describes every command, its parameters, result, auth and streaming, and the records they use" {
                withServer (fun server ->
                    use c = connect server
                    let schema = JsonMessagePack.ToJson((c.Call("TINO.SCHEMA")).Bytes)
                    let described stream name parameters result auth =
                        let ps = parameters |> List.map (fun (n, t) -> $"{{\"name\":\"{n}\",\"type\":\"{t}\"}}") |> String.concat ","
                        $"{{\"name\":\"{name}\",\"description\":null,\"parameters\":[{ps}],\"result\":\"{result}\",\"auth\":{auth},\"stream\":{stream},\"idempotent\":false}}"
                    let command = described "false"
                    let field name t = $"{{\"name\":\"{name}\",\"type\":\"{t}\",\"required\":true}}"
                    let textField, completedField, idField = field "text" "string", field "completed" "bool", field "id" "int32"
                    let expected =
                        String.concat "" [
                            "{\"protocol\":1,\"commands\":["
                            String.concat "," [
                                command "ADD" [ "a", "int32"; "b", "int32" ] "int64" "false"
                                command "ECHO_VALUE" [ "v", "any" ] "any" "false"
                                command "CONCAT" [ "parts", "array<string>" ] "string" "false"
                                command "CREATE_NOTE" [ "note", "NoteInput" ] "Note" "false"
                                command "READ_NOTES" [] "array<Note>" "false"
                                command "GET_NOTE" [ "id", "int32" ] "any" "false"
                                command "WHOAMI" [] "string" "true"
                                command "MAYBE_WHOAMI" [] "string" "false"
                                command "COUNTER" [] "int32" "false"
                                command "FAIL" [ "code", "string"; "message", "string" ] "nil" "false"
                                command "CRASH" [] "nil" "false"
                                command "SLEEP" [ "ms", "int32" ] "int32" "false"
                                command "BLOB" [ "n", "int32" ] "bin" "false"
                                command "BLOB_LEN" [ "b", "bin" ] "int32" "false"
                                command "ECHO_BIN" [ "b", "bin" ] "bin" "false"
                                described "true" "RANGE" [ "n", "int32" ] "int32" "false"
                                command "NOTIFY" [ "channel", "string"; "v", "any" ] "int32" "false" ]
                            "],\"types\":{"
                            "\"NoteInput\":{\"kind\":\"record\",\"fields\":[" + textField + "," + completedField + "]},"
                            "\"Note\":{\"kind\":\"record\",\"fields\":[" + idField + "," + textField + "," + completedField + "]}"
                            "}}" ]
                    Expect.equal schema expected "the schema"
                    Expect.equal (errorText (c.Call("TINO.SCHEMA", ascii "x"))) "ERR wrong number of arguments for 'tino.schema' command" "no arguments")
            }
            test "F# unions are described with their cases and fields" {
                let resolver =
                    MessagePack.Resolvers.CompositeResolver.Create(
                        [| ShapeFormatter() :> MessagePack.Formatters.IMessagePackFormatter |], [| TinoResolver.Instance :> MessagePack.IFormatterResolver |])
                let options = TinoOptions(SerializerOptions = TinoMessagePack.DefaultOptions.WithResolver resolver)
                let app = TinoApp.Empty.WithOptions(options).WithCommand("shape_name", Func<Tino.Tests.Serialization.JsonTests.Shape, string>(string))
                withApp app (fun server ->
                    use c = connect server
                    let schema = JsonMessagePack.ToJson((c.Call("TINO.SCHEMA")).Bytes)
                    let field name = "{\"name\":\"" + name + "\",\"type\":\"float64\",\"required\":true}"
                    let expected =
                        "\"types\":{\"Shape\":{\"kind\":\"union\",\"cases\":["
                        + "{\"tag\":0,\"name\":\"Circle\",\"fields\":[" + field "radius" + "]},"
                        + "{\"tag\":1,\"name\":\"Rect\",\"fields\":[" + field "width" + "," + field "height" + "]}]}}}"
                    Expect.stringEnds schema expected "the union")
            }
            test "enums are described with their members" {
                let app = TinoApp.Empty.WithCommand("level", Func<DayOfWeek, DayOfWeek>(id))
                withApp app (fun server ->
                    use c = connect server
                    let schema = JsonMessagePack.ToJson((c.Call("TINO.SCHEMA")).Bytes)
                    Expect.stringContains schema "\"DayOfWeek\":{\"kind\":\"enum\",\"members\":{\"Sunday\":0,\"Monday\":1," "members")
            }
        ]
        testList "COMMAND" [
            test "COMMAND COUNT counts built-ins and the app's commands" {
                withServer (fun server -> Expect.equal (reply server "COMMAND COUNT") ":39\r\n" "15 built-ins, 7 for streams and events, 17 commands")
            }
            test "COMMAND INFO replies Redis 7's ten-element entry, and nil for an unknown name" {
                withServer (fun server ->
                    let expected =
                        "*2\r\n*10\r\n$3\r\nADD\r\n:3\r\n*1\r\n+no_auth\r\n:0\r\n:0\r\n:0\r\n*1\r\n+@app\r\n*0\r\n*0\r\n*0\r\n*-1\r\n"
                    Expect.equal (reply server "COMMAND INFO add nope") expected "add, then nil")
            }
            test "COMMAND lists every command with what redis-cli 7.0 reads: name, arity and first key" {
                withServer (fun server ->
                    use c = connect server
                    let all = c.Call("COMMAND")
                    Expect.equal all.Items.Count 39 "every command"
                    for entry in all.Items do
                        Expect.equal entry.Items.Count 10 "ten elements"
                        Expect.equal [ entry.Items[0].Kind; entry.Items[1].Kind; entry.Items[2].Kind; entry.Items[3].Kind ]
                            [ RespReplyKind.BulkString; RespReplyKind.Integer; RespReplyKind.Array; RespReplyKind.Integer ] (text entry.Items[0])
                    let arity name = all.Items |> Seq.find (fun e -> text e.Items[0] = name) |> fun e -> e.Items[1].Integer
                    Expect.equal [ arity "ADD"; arity "READ_NOTES"; arity "WHOAMI"; arity "PING"; arity "TINO.JSON" ] [ 3L; 1L; 1L; -1L; -2L ] "arities")
            }
            test "COMMAND DOCS of one command replies its summary, group and arguments exactly" {
                withServer (fun server ->
                    let arg name = $"*6\r\n$4\r\nname\r\n{bulk name}$4\r\ntype\r\n$6\r\nstring\r\n$12\r\ndisplay_text\r\n{bulk name}"
                    let expected =
                        "*2\r\n$3\r\nADD\r\n*10\r\n$7\r\nsummary\r\n" + bulk "ADD(a: int32, b: int32) -> int64"
                        + "$5\r\nsince\r\n" + bulk TinoServer.Version + "$5\r\ngroup\r\n$3\r\napp\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n"
                        + "$9\r\narguments\r\n*2\r\n" + arg "a" + arg "b"
                    Expect.equal (reply server "COMMAND DOCS add nope") expected "docs of ADD; unknown names left out")
            }
            test "COMMAND DOCS parses the way redis-cli builds its hints" {
                withServer (fun server ->
                    use c = connect server
                    let hints = hints (c.Call("COMMAND", ascii "DOCS"))
                    Expect.equal hints.Count 39 "every command"
                    Expect.equal hints["ADD"] "a b" "names of the parameters"
                    Expect.equal hints["CREATE_NOTE"] "note" "one parameter"
                    Expect.equal hints["READ_NOTES"] "" "none"
                    Expect.equal hints["PING"] "[message]" "optional"
                    Expect.equal hints["AUTH"] "[username] password" "auth"
                    Expect.equal hints["TINO.JSON"] "command [argument [argument ...]]" "repeated")
            }
            test "an unknown COMMAND subcommand replies Redis's error" {
                withServer (fun server -> Expect.equal (reply server "COMMAND NOPE") "-ERR unknown subcommand 'NOPE'. Try COMMAND HELP.\r\n" "error")
            }
        ]
        test "HELLO and HELLO 2 reply Redis 7's RESP2 map with Tino's name and version and this connection's id" {
            withServer (fun server ->
                let replies = rawReplies server [ typed "CLIENT ID"; typed "HELLO"; typed "HELLO 2" ] 3
                let id = replies[0].Trim(':', '\r', '\n')
                let expected =
                    $"*14\r\n$6\r\nserver\r\n$4\r\ntino\r\n$7\r\nversion\r\n{bulk TinoServer.Version}$5\r\nproto\r\n:2\r\n"
                    + $"$2\r\nid\r\n:{id}\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n"
                Expect.equal replies[1..] [ expected; expected ] "the whole reply"
                Expect.equal (reply server "HELLO 3") "-NOPROTO unsupported protocol version\r\n" "RESP3"
                Expect.equal (reply server "HELLO two") "-ERR Protocol version is not an integer or out of range\r\n" "not a number"
                Expect.equal (reply server "HELLO 2 FOO") "-ERR Syntax error in HELLO option 'FOO'\r\n" "unknown option")
        }
    ]
