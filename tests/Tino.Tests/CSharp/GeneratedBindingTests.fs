/// The bindings and formatters Tino.Generators writes against the ones reflection makes of the same handlers and
/// types (tests/Tino.CSharp.TestKit/GeneratedShapes.cs): the same records, the same replies, the same bytes.
module Tino.Tests.CSharp.GeneratedBindingTests

open System
open System.Collections.Generic
open Expecto
open MessagePack
open MessagePack.Formatters
open Tino
open Tino.CSharp.TestKit
open Tino.Serialization
open Tino.Tests.Hosting.TestServer
open Tino.Tests.Hosting.ServerTests

/// What a command record says, without its delegate and binder.
let private described (command: CommandHandler) =
    command.Name,
    [ for p in command.Parameters -> p.Name, p.Type, p.Source, p.AcceptsNil ],
    command.ResultType,
    command.ResultAcceptsNil,
    command.Description,
    command.IsIdempotent,
    command.StreamItemType

type private ReflectionMade<'T>() =
    static member val Formatter = TinoResolver.CreateByReflection<'T>()

/// Formatters made the way TinoResolver makes them when no generated code registered one, all the way down.
type private ReflectionResolver() =
    static member val Instance = ReflectionResolver()
    interface IFormatterResolver with
        member _.GetFormatter<'T>() = ReflectionMade<'T>.Formatter

let private byReflection = TinoMessagePack.DefaultOptions.WithResolver(ReflectionResolver.Instance)

/// The outcome of decoding `bytes` as 'T with `options`: the value written back, or the error's message.
let private decode<'T> (options: MessagePackSerializerOptions) (bytes: byte[]) =
    try
        Ok(MessagePackSerializer.Serialize<'T>(MessagePackSerializer.Deserialize<'T>(bytes, options), options))
    with error ->
        Error(error.GetBaseException().Message)

/// Checks that the generated formatter of 'T is registered and writes and reads as the reflection-made one.
let private sameFormatter<'T> (values: 'T list) (inputs: byte[] list) =
    Expect.isNotNull (GeneratedFormatters.For<'T>()) $"a generated formatter for {typeof<'T>.Name}"
    for value in values do
        let generated = MessagePackSerializer.Serialize<'T>(value, TinoMessagePack.DefaultOptions)
        Expect.equal (Convert.ToHexString generated) (Convert.ToHexString(MessagePackSerializer.Serialize<'T>(value, byReflection))) $"{typeof<'T>.Name} {value}"
        Expect.equal (decode<'T> TinoMessagePack.DefaultOptions generated) (Ok generated) $"{typeof<'T>.Name} round trip"
    for input in inputs do
        Expect.equal (decode<'T> TinoMessagePack.DefaultOptions input) (decode<'T> byReflection input) $"{typeof<'T>.Name} decoding {Convert.ToHexString input}"

/// A map of string keys to already encoded values, in order.
let private mapOf (pairs: (string * byte[]) list) = Tino.Tests.Interop.InteropSuite.mpMap pairs

let private encode value = Records.Encode value

/// The calls the two apps answer, and whether each is well formed (the others are refused with VALIDATION_ERROR).
let private calls : (string * byte[] list * bool) list =
    [ "add", [ mp 2; mp 40 ], true
      "void", [ mp 7 ], true
      "task", [ mp 1 ], true
      "task_of", [ mp 6; mp 7 ], true
      "value_task", [ mp 1 ], true
      "value_task_of", [ mp "four" ], true
      "static_method", [ mp [| "a"; "b" |] ], true
      "instance_method", [ mp "tina" ], true
      "nullable", [ [| 0xC0uy |]; mp 3 ], true
      "maybe_name", [], true
      "magic_anywhere", [ mp 1; mp "!" ], true
      "context", [], true
      "echo_item", [ encode (Item.Sample 1) ], true
      "echo_item", [ encode (Item.Sample 2) ], true
      "echo_item", [ mapOf [ "id", mp 1 ] ], false
      "echo_item", [ mapOf [ "id", mp "one" ] ], false
      "echo_settable", [ mapOf [ "name", mp "n"; "count", mp 3; "twice", mp 99; "ignored", mp 5 ] ], true
      "echo_settable", [ mapOf [ "name", [| 0xC0uy |] ] ], false
      "echo_init_only", [ mapOf [ "full_name", mp "Tina"; "years", mp 40 ] ], true
      "echo_init_only", [ mapOf [ "years", mp 40 ] ], false
      "echo_points", [ encode [| Point(1, 2) |]; encode (List [ MutablePoint(X = 3, Y = 4) ]) ], true
      "echo_page", [ encode (Page<Item>([| Item.Sample 3 |], 1)) ], true
      "echo_derived", [ encode (Derived(1, "more")) ], true
      "echo_wide", [ encode (Wide(1, 2, 3, 4, 5, 6, 7, 8, "nine", Nullable 10)) ], true
      "echo_wide", [ mapOf [ "a1", mp 1 ] ], false
      "echo_defaults", [ mapOf [] ], true
      "echo_defaults", [ mapOf [ "count", mp 9; "mark", mp "y" ] ], true
      "figure_area", [ encode (Square 3.0 :> Figure) ], true
      "figure_area", [ [| 0x92uy; 0x07uy; 0x80uy |] ], false
      "figures", [ mp 2 ], true
      "priorities", [ encode (dict [ "a", Priority.High ] |> Dictionary); encode [| Big.Min; Big.Max |] ], true
      "priorities", [ mapOf [ "a", mp 3 ]; encode [| Big.Min |] ], true
      "stream_items", [ mp 2 ], true
      "stream_task", [ mp 2 ], true
      "save", [ encode (Item.Sample 4) ], true
      "list", [ mp 2 ], true
      "watch", [ mp 2 ], true
      "find", [ mp 0 ], true
      "find", [ mp 5 ], true ]

/// The reply to each of `calls` from a server of `app`, made on one authenticated connection.
let private answers (calls: (string * byte[] list * bool) list) (app: TinoApp) =
    let mutable answered = []
    withApp app (fun server ->
        use c = connect server
        c.Call("AUTH", ascii "tinaspassword") |> ignore
        answered <- [ for name, args, _ in calls -> name, c.Call(name, Array.ofList args) ])
    answered

/// Every reply of `calls` from a server of `app`, whole (kind, bytes and items).
let private replies (app: TinoApp) = answers calls app |> List.map (fun (name, reply) -> name, exactly reply)

/// The calls of the per-call app (GeneratedServiceShapes), each well formed.
let private perCallCalls : (string * byte[] list * bool) list =
    [ "greet", [ mp "tina" ], true
      "greet_keyed", [ mp "bob" ], true
      "optional", [], true
      "same_scope", [], true
      "scoped_after", [ mp 5 ], true
      "touch", [ mp 3 ], true
      "touch_later", [], true
      "touch_value_task", [], true
      "scoped_value", [ mp 10 ], true
      "scoped_whoami", [], true
      "scoped_count", [ mp 3 ], true
      "scoped_count_later", [ mp 2 ], true
      "add", [ mp 2; mp 3 ], true
      "instance", [], true
      "multiply", [ mp 6; mp 7 ], true
      "count", [ mp 3 ], true
      "greet", [ mp 1 ], false
      "disposed", [], true ]

/// The per-call app with its commands bound by reflection: the same methods, through the builder's reflection path.
let private perCallByReflection (services: IServiceProvider) =
    let binding = ServiceBinding services
    let commands =
        [ for struct (name, handler) in GeneratedServiceShapes.Methods -> binding.Bind(name, handler, null) ]
        @ List.ofSeq (binding.BindContract<IScientific>())
        @ List.ofSeq (ServiceContract.Bind<ICounter>(Func<ICounter>(fun () -> Counter(Collections.Concurrent.ConcurrentQueue()))))
    (TinoApp.Empty.WithAuth(AuthHandler.Create(Func<string, string | null>(Handlers.Authenticate))), commands)
    ||> List.fold (fun app command -> app.WithCommand command)

[<Tests>]
let perCallBindings =
    testList "Generated per-call bindings" [
        test "handlers with [FromServices] parameters, MapService<T>() and MapService(factory) are bound by generated code" {
            use services = ServiceApps.Container()
            let app = GeneratedServiceShapes.App services
            Expect.isEmpty [ for command in app.Commands do if isNull command.Binder then command.Name ] "commands left to reflection"
            Expect.equal app.Commands.Length (GeneratedServiceShapes.Methods.Count + 8 + 1) "every command of the app"
        }
        test "the per-call records are the ones reflection makes of the same methods" {
            use services = ServiceApps.Container()
            let reflected = perCallByReflection services |> _.Commands |> Seq.map (fun c -> c.Name, described c) |> Map.ofSeq
            for command in (GeneratedServiceShapes.App services).Commands do
                Expect.equal (Some(described command)) (reflected.TryFind command.Name) command.Name
        }
        test "the per-call app replies byte for byte as reflection's, one scope per call, disposed when the call or its stream ends" {
            let run (make: IServiceProvider -> TinoApp) =
                use services = ServiceApps.Container()
                answers perCallCalls (make services)
            let generated = run GeneratedServiceShapes.App
            for (name, mine), (_, theirs) in List.zip generated (run perCallByReflection) do
                Expect.equal (exactly mine) (exactly theirs) name
            let reply name = generated |> List.find (fst >> (=) name) |> snd
            Expect.equal (value<string> (reply "greet")) "hello tina" "[FromServices]"
            Expect.equal (value<string> (reply "greet_keyed")) "good day bob" "[FromKeyedServices]"
            Expect.isGreaterThan (value<int> (reply "same_scope")) 0 "two parameters, one scoped instance"
            Expect.isTrue (value<bool> (reply "scoped_after")) "the scope is open after the handler awaits"
            let streamed = exactly (reply "scoped_count")
            let hex (text: string) = Convert.ToHexString(Text.Encoding.UTF8.GetBytes text)
            Expect.stringContains streamed (hex "open=True") "a stream's scope is open while it streams"
            Expect.isFalse (streamed.Contains(hex "open=False")) "and until its last item"
            generated |> List.findBack (fst >> (=) "greet") |> snd |> expectErrorStarts "VALIDATION_ERROR"
            let counts = value<int[]> (reply "disposed")
            Expect.equal counts[1] counts[0] "every scoped and per-call instance disposed once its call or stream ended"
        }
    ]

[<Tests>]
let generatedBindings =
    testList "Generated bindings" [
        test "every inline Command and MapService call of the C# builder is bound by generated code" {
            let unbound = [ for command in GeneratedShapes.App().Commands do if isNull command.Binder then command.Name ]
            Expect.isEmpty unbound "commands left to reflection"
        }
        test "the generated records are the ones reflection reads off the same handlers" {
            let app = GeneratedShapes.App()
            let service = ServiceContract.Bind<IShapeService>(ShapeService()) |> Seq.map (fun c -> c.Name, described c) |> Map.ofSeq
            for command in app.Commands do
                let expected =
                    match service.TryFind command.Name with
                    | Some fromInterface -> fromInterface
                    | None -> described (CommandHandler.Create(command.Name, command.Invoke))
                Expect.equal (described command) expected command.Name
        }
        test "the generated app replies byte for byte as the same handlers bound by reflection" {
            let generated = replies (GeneratedShapes.App())
            let reflected = replies (GeneratedShapes.ReflectionApp())
            for (name, mine), (_, theirs) in List.zip generated reflected do
                Expect.equal mine theirs name
            let refused = Convert.ToHexString "VALIDATION_ERROR"B
            for (name, reply), (_, _, wellFormed) in List.zip generated calls do
                Expect.equal (reply.Contains refused) (not wellFormed) $"{name}: {reply}"
        }
        test "generated formatters write and read what the reflection-made ones do, errors included" {
            let nil = [| 0xC0uy |]
            sameFormatter [ Item.Sample 0; Item.Sample 1 ] [ nil; mapOf []; mapOf [ "id", mp 1; "id", mp 2 ]; mapOf [ "name", nil ]; mp 5 ]
            sameFormatter [ Settable(Name = "n", Count = 2, Extra = "e") ] [ mapOf [ "count", mp "x" ]; mapOf [ "twice", mp 1 ] ]
            sameFormatter [ InitOnly(Name = "Tina", Age = 3) ] [ mapOf [ "full_name", mp "x" ]; mapOf [ "years", mp 1 ] ]
            sameFormatter [ Point(1, -2) ] [ mapOf [ "x", mp 1 ]; nil ]
            sameFormatter [ MutablePoint(X = 1, Y = 2) ] [ mapOf [ "X", mp 1 ]; mapOf [ "x", mp 1 ] ]
            sameFormatter [ Page<Item>([| Item.Sample 5 |], 1) ] [ mapOf [ "items", nil; "total", mp 0 ] ]
            sameFormatter [ Derived(1, "e") ] [ mapOf [ "extra", mp "e" ] ]
            sameFormatter [ Wide(1, 2, 3, 4, 5, 6, 7, 8, "9", Nullable()) ] [ mapOf [ "a9", nil ] ]
            sameFormatter [ Defaults(); Defaults(1, "l", Priority.Low, 0.25, 'z') ] [ mapOf []; mapOf [ "mark", mp "yz" ] ]
            sameFormatter [ Square 2.0 :> Figure; Disc 1.5 ] [ [| 0x92uy; 0x09uy; 0x80uy |]; mp 1 ]
            sameFormatter [ Priority.Low; Priority.High ] [ mp 300; mp -1 ]
            sameFormatter [ Big.Min; Big.Max ] [ mp 1.5 ]
            sameFormatter [ Nullable 3; Nullable() ] [ mp "x" ]
            sameFormatter [ List [ "a" ] ] [ encode [| 1 |] ]
        }
    ]
