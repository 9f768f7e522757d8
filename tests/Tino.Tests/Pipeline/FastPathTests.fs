/// The per-call fast paths against the general ones they stand in for: primitive arguments read straight from
/// their span, primitive results written straight into the output, the handler's method called without its
/// delegate. Each must give exactly what the general path gives (values, reply bytes, error replies).
module Tino.Tests.Pipeline.FastPathTests

open System
open System.Buffers
open System.Numerics
open System.Reflection
open System.Reflection.Emit
open System.Threading
open System.Threading.Tasks
open Expecto
open FsCheck.FSharp
open MessagePack
open MessagePack.Formatters
open MessagePack.Resolvers
open Tino
open Tino.Pipeline
open Tino.Protocol
open Tino.Serialization
open Tino.Tests.Generators
open Tino.Tests.Protocol.Sequences

// ---- Inputs: every integer format at every boundary, floats, and what is not a number ----

let private bigEndian (size: int) (value: bigint) =
    let twos = if value < 0I then (1I <<< (8 * size)) + value else value
    Array.init size (fun i -> byte ((twos >>> (8 * (size - 1 - i))) &&& 255I))

/// Every encoding of `value` MessagePack has: fixint, uint 8 to 64, int 8 to 64, wherever it fits.
let integerEncodings (value: bigint) =
    [ if value >= -32I && value <= 127I then
          yield [| byte ((value + 256I) % 256I) |]
      for code, size, low, high in
          [ 0xccuy, 1, 0I, 255I
            0xcduy, 2, 0I, 65535I
            0xceuy, 4, 0I, 4294967295I
            0xcfuy, 8, 0I, 18446744073709551615I
            0xd0uy, 1, -128I, 127I
            0xd1uy, 2, -32768I, 32767I
            0xd2uy, 4, -2147483648I, 2147483647I
            0xd3uy, 8, -9223372036854775808I, 9223372036854775807I ] do
          if value >= low && value <= high then
              yield Array.append [| code |] (bigEndian size value) ]

/// Each integer type's edges and their neighbours, and the fixint edges.
let boundaries =
    let edges =
        [ 0I; 31I; 32I; 127I; 255I; 32767I; 65535I; 2147483647I; 4294967295I; 9223372036854775807I; 18446744073709551615I
          -1I; -32I; -128I; -32768I; -2147483648I; -9223372036854775808I ]
    edges |> List.collect (fun e -> [ e - 1I; e; e + 1I ]) |> List.distinct

let float32Bits =
    [ 0x00000000u; 0x80000000u; 0x3fc00000u; 0x7fc00000u; 0x7f800001u; 0xffc00001u; 0x7f800000u; 0xff800000u
      0x7f7fffffu; 0x00000001u; 0x4b800001u; 0xcb800000u ]

let float64Bits =
    [ 0x0000000000000000UL; 0x8000000000000000UL; 0x3fb999999999999aUL; 0x7ff8000000000000UL; 0x7ff0000000000001UL
      0x7ff0000000000000UL; 0xfff0000000000000UL; 0x4008000000000000UL; 0x0000000000000001UL; 0x47efffffe0000000UL
      0x47f0000000000000UL; 0x36a0000000000000UL ]

let floatEncodings =
    [ for bits in float32Bits -> Array.append [| 0xcauy |] (bigEndian 4 (bigint bits))
      for bits in float64Bits -> Array.append [| 0xcbuy |] (bigEndian 8 (bigint bits)) ]

/// Not one well-formed number: other kinds, truncated, trailing bytes, invalid, empty.
let otherEncodings =
    [ [||]; [| 0xc0uy |]; [| 0xc2uy |]; [| 0xc3uy |]; [| 0xc1uy |]; [| 0xa1uy; byte 'a' |]; [| 0xd9uy; 1uy; byte '5' |]
      [| 0xc4uy; 1uy; 5uy |]; [| 0x91uy; 1uy |]; [| 0x80uy |]; [| 0xd4uy; 1uy; 1uy |]; [| 0x01uy; 0x02uy |]
      [| 0xcduy; 0x01uy |]; [| 0xd3uy |]; [| 0xcfuy |]; [| 0xc3uy; 0xc3uy |]; [| 0xcauy; 0uy; 0uy; 0uy |]
      [| 0xcbuy; 0uy |]; [| 0xccuy; 1uy; 2uy |]; [| 0xe0uy; 0uy |]; [| 0xd0uy; 0x80uy; 0uy |] ]

let allEncodings =
    (boundaries |> List.collect integerEncodings) @ floatEncodings @ otherEncodings

// ---- Binding one argument, fast and general ----

/// What binding one argument gave: the value (floats as their bits), or the error reply's code and detail.
type Bound =
    | Decoded of string
    | Refused of code: string * detail: string

let private newContext () = CommandContext(ConnectionContext(null, CancellationToken.None))

let private bind (binder: ArgumentBinder) (read: CommandContext -> string) (argument: ReadOnlySequence<byte>) =
    let context = newContext ()
    let arguments = RespArguments()
    let mutable slice = argument
    arguments.Add(&slice)
    context.Arguments <- arguments
    context.Frame.EnsureCapacity 1
    try
        binder.Bind(context, 0)
        Decoded(read context)
    with :? TinoException as e ->
        Refused(e.Code, e.Detail)

/// One primitive type: how to read it out of a frame, and the fast decoder alone.
type Primitive =
    { Type: Type
      Read: CommandContext -> string
      FastOnly: byte[] -> string option
      Range: (bigint * bigint) option }

let inline private primitive<'T when 'T: struct and 'T: (new: unit -> 'T) and 'T :> ValueType> (show: 'T -> string) range =
    { Type = typeof<'T>
      Read = fun context -> show (context.Frame.Get<'T> 0)
      FastOnly =
        fun bytes ->
            let mutable value = Unchecked.defaultof<'T>
            if PrimitiveCodec.TryDecode<'T>(ReadOnlySpan bytes, &value) then Some(show value) else None
      Range = range }

let private within (low: 'T) (high: 'T) =
    let big (v: 'T) = bigint (Convert.ToDecimal(box v))
    Some(big low, big high)

let primitives =
    [ primitive<int> string (within Int32.MinValue Int32.MaxValue)
      primitive<int64> string (within Int64.MinValue Int64.MaxValue)
      primitive<int16> string (within Int16.MinValue Int16.MaxValue)
      primitive<sbyte> string (within SByte.MinValue SByte.MaxValue)
      primitive<byte> string (within Byte.MinValue Byte.MaxValue)
      primitive<uint16> string (within UInt16.MinValue UInt16.MaxValue)
      primitive<uint32> string (within UInt32.MinValue UInt32.MaxValue)
      primitive<uint64> string (within UInt64.MinValue UInt64.MaxValue)
      primitive<bool> string None
      primitive<float32> (fun v -> BitConverter.SingleToInt32Bits(v).ToString("x8")) None
      primitive<double> (fun v -> BitConverter.DoubleToInt64Bits(v).ToString("x16")) None ]

let private fastBinder options (p: Primitive) = ArgumentBinder.Create(CommandParameter("n", p.Type), options, 64)

let private generalBinder options (p: Primitive) =
    nonNull (Activator.CreateInstance(typedefof<ArgumentBinder<_>>.MakeGenericType p.Type, CommandParameter("n", p.Type), options, 64)) :?> ArgumentBinder

/// Options whose resolver holds MessagePack-CSharp's own formatters first: double is the built-in one, not Tino's compact one.
let standardOptions =
    TinoMessagePack.DefaultOptions.WithResolver(CompositeResolver.Create(BuiltinResolver.Instance, TinoResolver.Instance))

/// Binds `bytes` with the fast and the general binder, whole and cut in two, and checks that all agree.
let private agree options (p: Primitive) (bytes: byte[]) =
    let general = bind (generalBinder options p) p.Read (ofArray bytes)
    let fast = fastBinder options p
    Expect.equal (bind fast p.Read (ofArray bytes)) general $"{p.Type.Name} from {Convert.ToHexString bytes}: the fast binder"
    if bytes.Length > 1 then
        Expect.equal (bind fast p.Read (splitAt [ 1 ] bytes)) general $"{p.Type.Name} from {Convert.ToHexString bytes} in two segments"
    match p.FastOnly bytes with
    | Some value -> Expect.equal (Decoded value) general $"{p.Type.Name} from {Convert.ToHexString bytes}: the fast decoder alone"
    | None -> ()

/// Any bytes of up to ten, the first often a number's type code.
let private argumentBytes =
    let code = Gen.elements [ 0x00uy; 0x7fuy; 0x80uy; 0xc0uy; 0xc2uy; 0xc3uy; 0xcauy; 0xcbuy; 0xccuy; 0xcduy; 0xceuy; 0xcfuy; 0xd0uy; 0xd1uy; 0xd2uy; 0xd3uy; 0xe0uy; 0xffuy ]
    gen {
        let! first = Gen.frequency [ 3, code; 1, Gen.choose (0, 255) |> Gen.map byte ]
        let! rest = Gen.arrayOf (Gen.choose (0, 255) |> Gen.map byte) |> Gen.resize 9
        return Array.append [| first |] rest
    }

// ---- Writing one result, fast and general ----

let private generalReply (options: MessagePackSerializerOptions) (value: 'T) =
    let scratch = ArrayBufferWriter<byte>()
    ArgumentCodec.Encode(scratch, value, options)
    let output = ArrayBufferWriter<byte>()
    RespWriter.WriteBulkString(output, scratch.WrittenSpan)
    output.WrittenSpan.ToArray()

let private fastReply (options: MessagePackSerializerOptions) (value: 'T) =
    let format = PrimitiveCodec.FormatOf<'T> options
    Expect.notEqual format PrimitiveFormat.None $"{typeof<'T>.Name} has a fast encoding"
    let output = TightWriter()
    PrimitiveCodec.WriteBulk(output, value, format)
    output.Written

let private sameReply options (value: 'T) =
    Expect.equal (fastReply options value) (generalReply options value) $"{typeof<'T>.Name} {value}"

let private integersOf (low: bigint) (high: bigint) = boundaries |> List.filter (fun b -> b >= low && b <= high)

let private replyCases options =
    for v in integersOf -2147483648I 2147483647I do sameReply options (int v)
    for v in integersOf -9223372036854775808I 9223372036854775807I do sameReply options (int64 v)
    for v in integersOf -32768I 32767I do sameReply options (int16 v)
    for v in integersOf -128I 127I do sameReply options (sbyte v)
    for v in integersOf 0I 255I do sameReply options (byte v)
    for v in integersOf 0I 65535I do sameReply options (uint16 v)
    for v in integersOf 0I 4294967295I do sameReply options (uint32 v)
    for v in integersOf 0I 18446744073709551615I do sameReply options (uint64 v)
    sameReply options true
    sameReply options false
    for bits in float32Bits do sameReply options (BitConverter.Int32BitsToSingle(int bits))
    for bits in float64Bits do sameReply options (BitConverter.Int64BitsToDouble(int64 bits))
    for bits in float32Bits do sameReply options (float (BitConverter.Int32BitsToSingle(int bits)))

// ---- Whole calls, through an app whose formatters take the fast paths and one whose formatters do not ----

/// The formatter it wraps, under another type: the fast paths do not recognise it, so calls take the general path.
type Wrapped<'T>(inner: IMessagePackFormatter<'T>) =
    interface IMessagePackFormatter<'T> with
        member _.Serialize(writer, value, options) = inner.Serialize(&writer, value, options)
        member _.Deserialize(reader, options) = inner.Deserialize(&reader, options)

/// Tino's resolver with every formatter wrapped.
type GeneralOnlyResolver() =
    interface IFormatterResolver with
        member _.GetFormatter<'T>() =
            match TinoResolver.Instance.GetFormatter<'T>() with
            | null -> null
            | formatter -> Wrapped<'T>(formatter) :> IMessagePackFormatter<'T> |> withNull

/// An int formatter of the app's own: it must win over the fast path, in arguments and results.
type ShiftedInt() =
    interface IMessagePackFormatter<int> with
        member _.Serialize(writer, value, _options) = writer.Write $"int {value}"
        member _.Deserialize(reader, _options) = reader.ReadInt32() + 1000

let private echoApp (options: MessagePackSerializerOptions) =
    TinoApp.Empty
        .WithOptions(TinoOptions(SerializerOptions = options))
        .WithCommand("add", Func<int, int, int64>(fun a b -> int64 a + int64 b))
        .WithCommand("int", Func<int, int>(id))
        .WithCommand("long", Func<int64, int64>(id))
        .WithCommand("short", Func<int16, int16>(id))
        .WithCommand("sbyte", Func<sbyte, sbyte>(id))
        .WithCommand("byte", Func<byte, byte>(id))
        .WithCommand("ushort", Func<uint16, uint16>(id))
        .WithCommand("uint", Func<uint32, uint32>(id))
        .WithCommand("ulong", Func<uint64, uint64>(id))
        .WithCommand("bool", Func<bool, bool>(id))
        .WithCommand("float", Func<float32, float32>(id))
        .WithCommand("double", Func<double, double>(id))
        .WithCommand("task_long", Func<int64, Task<int64>>(Task.FromResult))
        .WithCommand("later_double", Func<double, Task<double>>(fun d ->
            task {
                do! Task.Yield()
                return d
            }))
        .WithCommand("vtask_int", Func<int, ValueTask<int>>(fun n -> ValueTask<int>(n)))

let private echoCommands = [ "int"; "long"; "short"; "sbyte"; "byte"; "ushort"; "uint"; "ulong"; "bool"; "float"; "double"; "task_long"; "later_double"; "vtask_int" ]

/// Runs one request through the app's compiled pipeline, as Connection does, and returns the reply's bytes.
let call (app: AppPipeline) (request: byte[]) =
    let output = ArrayBufferWriter<byte>()
    let context = newContext ()
    context.Output <- output
    context.Serializer <- app.Serializer
    let arguments = RespArguments()
    let mutable reader = SequenceReader<byte>(ReadOnlySequence<byte> request)
    let mutable header = Unchecked.defaultof<RespRequestHeader>
    let mutable error = Unchecked.defaultof<RespError>
    Expect.equal (RespRequestParser.TryRead(&reader, RespLimits.Default, arguments, &header, &error)) RespStatus.Complete "the request parses"
    let mutable name = header.Name
    let command =
        match Tino.Hosting.Commands.ServerCommands(app).FindApp(&name) with
        | null -> failtest "the command exists"
        | found -> found
    context.Command <- command.Handler
    context.Arguments <- arguments
    command.Pipeline.Invoke(context).AsTask().Wait()
    output.WrittenSpan.ToArray()

let private requestOf (name: string) (args: byte[] list) =
    Tino.Tests.Protocol.RequestParserTests.writeRequest (Text.Encoding.ASCII.GetBytes name) args

let private fastApp = lazy (AppPipeline.Build(echoApp TinoMessagePack.DefaultOptions))
let private generalApp = lazy (AppPipeline.Build(echoApp (TinoMessagePack.DefaultOptions.WithResolver(GeneralOnlyResolver()))))

let private sameCall (name: string) (args: byte[] list) =
    let request = requestOf name args
    Expect.equal (call fastApp.Value request) (call generalApp.Value request) $"{name} {args |> List.map Convert.ToHexString}"

// ---- Handlers of every delegate shape ----

type Holder() =
    static member Twice(n: int) = n * 2
    member val Calls = 0 with get, set
    member this.Count(n: int) =
        this.Calls <- this.Calls + 1
        n + this.Calls

[<Struct>]
type Adder =
    val Amount: int
    new(amount) = { Amount = amount }
    member this.Add(n: int) = n + this.Amount

type Extensions =
    static member Plus(first: string, n: int) = first.Length + n

let private identityString (s: string) = s

let private dynamicTriple () =
    let method = DynamicMethod("triple", typeof<int>, [| typeof<int> |])
    let il = method.GetILGenerator()
    il.Emit(OpCodes.Ldarg_0)
    il.Emit(OpCodes.Ldc_I4_3)
    il.Emit(OpCodes.Mul)
    il.Emit(OpCodes.Ret)
    method.CreateDelegate(typeof<Func<int, int>>) :?> Func<int, int>

[<Tests>]
let tests =
    testList "Fast paths" [
        testList "primitive arguments" [
            test "a built-in formatter gets the fast binder, anything else the general one" {
                for p in primitives do
                    let binder = fastBinder TinoMessagePack.DefaultOptions p
                    Expect.equal (binder.GetType().GetGenericTypeDefinition()) typedefof<PrimitiveArgumentBinder<_>> $"{p.Type.Name}: fast"
                for t in [ typeof<string>; typeof<char>; typeof<decimal>; typeof<Nullable<int>>; typeof<DateTime>; typeof<int[]> ] do
                    let binder = ArgumentBinder.Create(CommandParameter("n", t), TinoMessagePack.DefaultOptions, 64)
                    Expect.equal (binder.GetType().GetGenericTypeDefinition()) typedefof<ArgumentBinder<_>> $"{t.Name}: general"
                let general = TinoMessagePack.DefaultOptions.WithResolver(GeneralOnlyResolver())
                for p in primitives do
                    Expect.equal ((fastBinder general p).GetType().GetGenericTypeDefinition()) typedefof<ArgumentBinder<_>> $"{p.Type.Name}: a wrapped formatter is general"
            }
            test "decode every integer format at every boundary, floats and non-numbers as the general path does" {
                for options in [ TinoMessagePack.DefaultOptions; standardOptions ] do
                    for p in primitives do
                        for bytes in allEncodings do
                            agree options p bytes
            }
            test "read every integer format whose value fits the type on the fast path" {
                for p in primitives do
                    match p.Range with
                    | Some(low, high) ->
                        for value in boundaries |> List.filter (fun v -> v >= low && v <= high) do
                            for bytes in integerEncodings value do
                                Expect.equal (p.FastOnly bytes) (Some(string value)) $"{p.Type.Name} from {Convert.ToHexString bytes}"
                    | None -> ()
                    // Floats take integers of at most 16 bits, which they hold exactly; wider ones go the general way.
                    let isFloat = p.Type = typeof<float32> || p.Type = typeof<double>
                    if p.Type <> typeof<bool> then
                        for value in [ 0I; -32768I; 65535I; 100000I ] do
                            for bytes in integerEncodings value do
                                let fits = not isFloat || bytes.Length <= 3
                                if p.Range.IsNone || fst p.Range.Value <= value && value <= snd p.Range.Value then
                                    Expect.equal (p.FastOnly bytes).IsSome fits $"{p.Type.Name} takes {value} as {Convert.ToHexString bytes}"
                Expect.isSome (primitives[8].FastOnly [| 0xc3uy |]) "bool takes true"
                for bytes in floatEncodings do
                    Expect.isSome (primitives[10].FastOnly bytes) $"double takes {Convert.ToHexString bytes}"
                    Expect.equal (primitives[9].FastOnly bytes).IsSome (bytes[0] = 0xcauy) $"float takes float32 only: {Convert.ToHexString bytes}"
            }
            test "leave out-of-range values, wrong kinds and malformed bytes to the general path" {
                Expect.isNone (primitives[0].FastOnly (integerEncodings 2147483648I).Head) "int.MaxValue + 1"
                for bytes in integerEncodings -2147483649I do
                    Expect.isNone (primitives[0].FastOnly bytes) $"int.MinValue - 1 as {Convert.ToHexString bytes}"
                Expect.isNone (primitives[4].FastOnly [| 0xffuy |]) "-1 as a byte"
                Expect.isNone (primitives[3].FastOnly [| 0xccuy; 0x80uy |]) "128 as an sbyte"
                Expect.isNone (primitives[7].FastOnly [| 0xffuy |]) "-1 as a ulong"
                for p in primitives do
                    for bytes in otherEncodings |> List.filter (fun b -> b <> [| 0xc2uy |] && b <> [| 0xc3uy |]) do
                        Expect.isNone (p.FastOnly bytes) $"{p.Type.Name} from {Convert.ToHexString bytes}"
            }
            testPropWith "decode any bytes as the general path does" (Gen.zip (Gen.elements primitives) argumentBytes) (fun (p, bytes) ->
                agree TinoMessagePack.DefaultOptions p bytes)
            testPropWith "decode any integer in any format that holds it as the general path does" (Gen.zip (Gen.elements primitives) (Gen.choose64 (Int64.MinValue, Int64.MaxValue))) (fun (p, value) ->
                for v in [ bigint value; bigint value >>> 40; bigint value >>> 56; bigint value >>> 60 ] do
                    for bytes in integerEncodings v do
                        agree TinoMessagePack.DefaultOptions p bytes)
        ]
        testList "primitive results" [
            test "write every integer boundary, bool and float as the general path does" {
                replyCases TinoMessagePack.DefaultOptions
                replyCases standardOptions
            }
            test "double is compact with Tino's formatter and float64 with the built-in one" {
                Expect.equal (PrimitiveCodec.FormatOf<double> TinoMessagePack.DefaultOptions) PrimitiveFormat.CompactDouble "Tino's"
                Expect.equal (PrimitiveCodec.FormatOf<double> standardOptions) PrimitiveFormat.Double "built-in"
                Expect.equal (fastReply TinoMessagePack.DefaultOptions 1.5) (bytes "$5\r\n\xca\x3f\xc0\x00\x00\r\n") "1.5 as float32"
                Expect.equal (fastReply standardOptions 1.5) (bytes "$9\r\n\xcb\x3f\xf8\x00\x00\x00\x00\x00\x00\r\n") "1.5 as float64"
            }
            test "a formatter the app puts in place of a built-in one takes no fast path" {
                let options = TinoMessagePack.DefaultOptions.WithResolver(CompositeResolver.Create([| ShiftedInt() :> IMessagePackFormatter |], [| TinoResolver.Instance :> IFormatterResolver |]))
                Expect.equal (PrimitiveCodec.FormatOf<int> options) PrimitiveFormat.None "int"
                Expect.equal (PrimitiveCodec.FormatOf<int64> options) PrimitiveFormat.Integer "long is still built-in"
            }
            testPropWith "write any double, float and long as the general path does" (Gen.zip3 (Gen.choose64 (Int64.MinValue, Int64.MaxValue)) (Gen.choose (Int32.MinValue, Int32.MaxValue)) (Gen.choose (0, 3))) (fun (bits, small, shift) ->
                for options in [ TinoMessagePack.DefaultOptions; standardOptions ] do
                    sameReply options (BitConverter.Int64BitsToDouble bits)
                    sameReply options (float (BitConverter.Int32BitsToSingle small))
                    sameReply options (BitConverter.Int32BitsToSingle small)
                    sameReply options (bits >>> (shift * 16))
                    sameReply options (uint64 bits >>> (shift * 16))
                    sameReply options (small >>> (shift * 8)))
        ]
        testList "whole calls" [
            test "the default options take the fast paths and wrapped formatters do not" {
                Expect.equal (PrimitiveCodec.FormatOf<int> fastApp.Value.Serializer) PrimitiveFormat.Integer "fast"
                Expect.equal (PrimitiveCodec.FormatOf<int> generalApp.Value.Serializer) PrimitiveFormat.None "general"
            }
            test "ADD 1 2 replies $1 3" {
                Expect.equal (call fastApp.Value (requestOf "add" [ [| 1uy |]; [| 2uy |] ])) (bytes "$1\r\n\x03\r\n") "the reply"
            }
            test "reply the same bytes, values and errors alike, for every encoding to every primitive command" {
                for name in echoCommands do
                    for bytes in allEncodings do
                        sameCall name [ bytes ]
                sameCall "add" [ [| 1uy |] ]
                sameCall "add" [ [| 1uy |]; [| 2uy |]; [| 3uy |] ]
                sameCall "add" [ [| 0xd2uy; 0x7fuy; 0xffuy; 0xffuy; 0xffuy |]; [| 0xd2uy; 0x7fuy; 0xffuy; 0xffuy; 0xffuy |] ]
                sameCall "add" [ [| 0xd2uy; 0x7fuy; 0xffuy; 0xffuy; 0xffuy |]; [| 0xa1uy; byte 'x' |] ]
            }
            testPropWith "reply the same bytes for any argument bytes" (Gen.zip (Gen.elements echoCommands) argumentBytes) (fun (name, bytes) ->
                sameCall name [ bytes ])
            test "an int formatter of the app's own reads the arguments and writes the result" {
                let options = TinoMessagePack.DefaultOptions.WithResolver(CompositeResolver.Create([| ShiftedInt() :> IMessagePackFormatter |], [| TinoResolver.Instance :> IFormatterResolver |]))
                let app = AppPipeline.Build(echoApp options)
                Expect.equal (call app (requestOf "int" [ [| 5uy |] ])) (Array.concat [ bytes "$9\r\n"; MessagePackSerializer.Serialize("int 1005"); bytes "\r\n" ]) "shifted, then written as text"
                Expect.equal (call app (requestOf "add" [ [| 1uy |]; [| 2uy |] ])) (bytes "$3\r\n\xcd\x07\xd3\r\n") "1001 + 1002 as a built-in long"
            }
        ]
        testList "command table" [
            // Names with the punctuation next to the letters ('@' '[' '`' '{'), which folding must leave alone.
            let nameGen = Gen.elements [ "a"; "ab"; "abs"; "add"; "avg"; "ADD2"; "x.y"; "tino.json"; "get_user"; "Z"; "@"; "[]"; "`"; "["; "a[" ]
            let caseOf (flips: bool list) (name: string) =
                name |> String.mapi (fun i c -> if i < flips.Length && flips[i] then (if Char.IsUpper c then Char.ToLowerInvariant c else Char.ToUpperInvariant c) else c)
            yield testPropWith "finds exactly the names equal ignoring ASCII case, and nothing else" (Gen.zip3 (Gen.listOf nameGen) nameGen (Gen.zip (Gen.listOf (Gen.elements [ true; false ])) (Gen.choose (0, 4)))) (fun (names, query, (flips, mangle)) ->
                let table = CommandTable<string>()
                let added = (names @ [ "["; "a[" ]) |> List.distinctBy (fun n -> n.ToUpperInvariant()) |> List.filter (fun n -> table.TryAdd(n, n))
                Expect.equal table.Count added.Length "every distinct name added once"
                let baseBytes = Text.Encoding.ASCII.GetBytes(caseOf flips query)
                let queryBytes =
                    match mangle with
                    | 0 -> baseBytes
                    | 1 -> Array.append baseBytes [| 0xC1uy |]
                    | 2 -> baseBytes |> Array.map (fun b -> if b = byte 'a' then byte 'A' + 0x80uy else b)
                    | 3 -> baseBytes |> Array.map (fun b -> b ^^^ 0x20uy)
                    | _ -> Array.append baseBytes baseBytes
                let expected =
                    added |> List.tryFind (fun n -> Text.Ascii.EqualsIgnoreCase(ReadOnlySpan(Text.Encoding.ASCII.GetBytes(n.ToUpperInvariant())), ReadOnlySpan queryBytes))
                let mutable found = ""
                let hit = table.TryGet(ReadOnlySpan<byte> queryBytes, &found)
                Expect.equal (if hit then Some found else None) expected $"{show queryBytes} among {added}"
                let mutable viaSequence = ""
                let split = splitAt [ 1 ] queryBytes
                let hitSplit = table.TryGet(&split, &viaSequence)
                Expect.equal (if hitSplit then Some viaSequence else None) expected $"{show queryBytes} in two segments")
        ]
        testList "handler calls" [
            // Described from the delegate type's own signature, which a closed or variant delegate's method does not have.
            let run (handler: Delegate) (argument: byte[]) =
                let invoke = nonNull (handler.GetType().GetMethod "Invoke")
                let parameters = invoke.GetParameters() |> Array.map (fun p -> CommandParameter(nonNull p.Name, p.ParameterType))
                let described = CommandHandler("h", Collections.Immutable.ImmutableArray.CreateRange parameters, invoke.ReturnType, handler)
                let app = AppPipeline.Build(TinoApp.Empty.WithCommand described)
                call app (requestOf "h" [ argument ])
            let intReply (n: int) = Array.concat [ bytes "$"; bytes (string (MessagePackSerializer.Serialize(n).Length)); bytes "\r\n"; MessagePackSerializer.Serialize(n); bytes "\r\n" ]
            yield test "a static method" {
                Expect.equal (run (Func<int, int>(Holder.Twice)) [| 21uy |]) (intReply 42) "twice"
            }
            yield test "an instance method, on its own target each call" {
                let holder = Holder()
                let handler = Func<int, int>(holder.Count)
                Expect.equal (run handler [| 10uy |]) (intReply 11) "first call"
                Expect.equal (run handler [| 10uy |]) (intReply 12) "second call"
                Expect.equal holder.Calls 2 "the target's state"
            }
            yield test "a lambda with a captured value" {
                let offset = 7
                Expect.equal (run (Func<int, int>(fun n -> n + offset)) [| 1uy |]) (intReply 8) "captured"
            }
            yield test "a struct's method, a static method closed over its first argument, an open instance method" {
                Expect.equal (run (Func<int, int>(Adder(5).Add)) [| 1uy |]) (intReply 6) "struct"
                let plus = nonNull (typeof<Extensions>.GetMethod("Plus"))
                let closed = Delegate.CreateDelegate(typeof<Func<int, int>>, "abc", plus)
                Expect.equal (run closed [| 1uy |]) (intReply 4) "closed over \"abc\""
                let length = nonNull ((nonNull (typeof<string>.GetProperty("Length"))).GetGetMethod())
                let openInstance = Delegate.CreateDelegate(typeof<Func<string, int>>, null, length)
                Expect.equal (run openInstance (MessagePackSerializer.Serialize "abcd")) (intReply 4) "open over the argument"
            }
            yield test "several targets, all called, the last one replying" {
                let calls = ResizeArray<string>()
                let first = Func<int, int>(fun n -> calls.Add "first"; n + 1)
                let second = Func<int, int>(fun n -> calls.Add "second"; n + 2)
                Expect.equal (run (nonNull (Delegate.Combine(first, second))) [| 1uy |]) (intReply 3) "the last result"
                Expect.equal (List.ofSeq calls) [ "first"; "second" ] "both ran"
            }
            yield test "a method matched by variance, a dynamic method, a compiled expression" {
                let method = nonNull ((nonNull typeof<Holder>.DeclaringType).GetMethod("identityString", BindingFlags.NonPublic ||| BindingFlags.Static))
                let covariant = Delegate.CreateDelegate(typeof<Func<string, obj>>, method)
                Expect.equal (run covariant (MessagePackSerializer.Serialize "x")) (Array.concat [ bytes "$2\r\n"; MessagePackSerializer.Serialize "x"; bytes "\r\n" ]) "string as object"
                Expect.equal (run (dynamicTriple ()) [| 5uy |]) (intReply 15) "dynamic method"
                let parameter = Linq.Expressions.Expression.Parameter(typeof<int>)
                let compiled = Linq.Expressions.Expression.Lambda<Func<int, int>>(Linq.Expressions.Expression.Negate parameter, [| parameter |]).Compile()
                Expect.equal (run compiled [| 5uy |]) (intReply -5) "compiled expression"
            }
            yield test "an exception from the handler replies as before" {
                let reply = run (Func<int, int>(fun _ -> raise (TinoException("NOPE", "no")))) [| 1uy |]
                Expect.equal reply (bytes "-NOPE \"no\"\r\n") "the handler's error"
            }
        ]
    ]
