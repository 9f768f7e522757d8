/// Real servers on 127.0.0.1 and a raw RESP client that speaks to them byte for byte.
module Tino.Tests.Hosting.TestServer

open System
open System.Buffers
open System.Net
open System.Net.Sockets
open System.Text
open System.Threading.Tasks
open MessagePack
open Tino
open Tino.Hosting
open Tino.Protocol

/// MessagePack bytes of a value, as any client would send them.
let mp (value: 'T) : byte[] = MessagePackSerializer.Serialize<'T>(value)

/// The value inside a MessagePack reply.
let unmp<'T> (bytes: ReadOnlyMemory<byte>) : 'T = MessagePackSerializer.Deserialize<'T>(bytes)

let ascii (text: string) = Encoding.ASCII.GetBytes text

/// A RESP2 request frame: `*n $len name $len arg ...`.
let request (name: string) (args: byte[] list) : byte[] =
    let parts = ascii name :: args
    use out = new IO.MemoryStream()
    let write (b: byte[]) = out.Write(b, 0, b.Length)
    write (ascii (sprintf "*%d\r\n" parts.Length))
    for part in parts do
        write (ascii (sprintf "$%d\r\n" part.Length))
        write part
        write (ascii "\r\n")
    out.ToArray()

/// Starts a server for `app` with the host options `options` on a free loopback port.
let startServerWith (options: TinoHostOptions) (app: TinoApp) : Task<TinoServer> =
    task {
        let server = new TinoServer(app, options)
        do! server.StartAsync(IPEndPoint(IPAddress.Loopback, 0))
        return server
    }

/// Starts a server for `app` on a free loopback port.
let startServer (app: TinoApp) : Task<TinoServer> = startServerWith TinoHostOptions.Default app

let portOf (server: TinoServer) = (nonNull server.LocalEndPoint).Port

/// One raw connection: sends bytes, parses replies with the protocol's reply parser.
type RespConnection(port: int) =
    let client = new TcpClient(NoDelay = true)
    do client.Connect(IPAddress.Loopback, port)
    let stream = client.GetStream()
    do stream.ReadTimeout <- 15000
    let mutable unread: byte[] = [||]
    let chunk = Array.zeroCreate<byte> 65536

    let tryParse () =
        let sequence = ReadOnlySequence<byte>(unread)
        let mutable reader = SequenceReader<byte>(sequence)
        let mutable reply = Unchecked.defaultof<RespReply>
        let mutable error = Unchecked.defaultof<RespError>
        match RespReplyParser.TryRead(&reader, &reply, &error) with
        | RespStatus.Complete ->
            unread <- unread[int reader.Consumed ..]
            Some reply
        | RespStatus.Incomplete -> None
        | _ -> failwithf "the server sent bytes that are not RESP: %s" error.Message

    /// Reads more bytes; 0 means the server closed the connection.
    member _.ReadMore() : int =
        let n =
            try stream.Read(chunk, 0, chunk.Length)
            with :? IO.IOException as e ->
                match e.InnerException with
                | :? SocketException as s when s.SocketErrorCode = SocketError.TimedOut -> failwith "no reply within 15 s"
                | :? SocketException -> 0
                | _ -> reraise ()
        if n > 0 then unread <- Array.append unread chunk[.. n - 1]
        n

    member this.Send(bytes: byte[]) = stream.Write(bytes, 0, bytes.Length)

    member this.ReadReply() : RespReply =
        let rec loop () =
            match tryParse () with
            | Some reply -> reply
            | None -> if this.ReadMore() = 0 then failwith "the server closed the connection" else loop ()
        loop ()

    /// Sends one request and reads its reply.
    member this.Call(name: string, [<ParamArray>] args: byte[][]) : RespReply =
        this.Send(request name (List.ofArray args))
        this.ReadReply()

    /// Whether the server has closed the connection (after any replies still unread).
    member this.IsClosedByServer() : bool =
        let rec drain () = if this.ReadMore() = 0 then true else drain ()
        drain ()

    member _.Unread = unread.Length

    interface IDisposable with
        member _.Dispose() = client.Dispose()

/// The text of a simple string, error or bulk reply.
/// A reply whole: its kind, every byte of its payload, and its items, to compare byte for byte.
let rec exactly (reply: RespReply) : string =
    let items = reply.Items |> Seq.map exactly |> String.concat ","
    $"{reply.Kind}:{Convert.ToHexString reply.Bytes.Span}:{reply.Integer}[{items}]"

let text (reply: RespReply) = Encoding.UTF8.GetString(reply.Bytes.Span)

/// The decoded MessagePack value of a successful call's reply.
let value<'T> (reply: RespReply) : 'T =
    if reply.Kind <> RespReplyKind.BulkString then
        failwithf "expected a bulk reply, got %A %s" reply.Kind (text reply)
    unmp<'T> reply.Bytes

/// Asserts an error reply, returning its text.
let errorText (reply: RespReply) =
    if reply.Kind <> RespReplyKind.Error then
        failwithf "expected an error reply, got %A %s" reply.Kind (text reply)
    text reply

/// The error line of an auth-only command (or channel) on a connection that has not sent AUTH.
let notAuthenticated = "PERMISSION_DENIED \"authentication required: send AUTH <password> first\""

/// The error line of an AUTH <password> that the app's auth function refused.
let invalidPassword = "PERMISSION_DENIED \"invalid password\""
