using System.Text;

namespace Tino.Cli.Generate;

/// <summary>
/// Writes a Python module from a server's schema: a dataclass per record, a base class and a dataclass per case for each
/// union, an <c>IntEnum</c> per enum, and a <c>Client</c> (and an asyncio <c>AsyncClient</c>) with one method per command,
/// on redis-py and msgpack alone.
/// </summary>
internal static class PythonClient
{
    /// <summary>The source of the module.</summary>
    /// <param name="schema">What the server serves.</param>
    /// <param name="source">Where the schema came from, for the header.</param>
    /// <param name="hash">The schema's SHA-256, for the header and <c>SCHEMA_SHA256</c>.</param>
    public static string Write(ServerSchema schema, string source, string hash)
    {
        var names = new PythonNames(schema);
        var code = new StringBuilder();
        code.Append(Runtime.Replace("{source}", source).Replace("{hash}", hash));
        foreach (var type in schema.Types)
        {
            WriteType(code, type, names);
        }
        code.Append(ClientHead);
        foreach (var command in schema.Commands)
        {
            WriteMethod(code, command, names, isAsync: false);
        }
        code.Append(AsyncClientHead);
        foreach (var command in schema.Commands)
        {
            WriteMethod(code, command, names, isAsync: true);
        }
        return code.ToString();
    }

    private static void WriteType(StringBuilder code, NamedType type, PythonNames names)
    {
        var name = names.Of(type.Name);
        switch (type.Kind)
        {
            case TypeKind.Record:
                WriteDataclass(code, name, null, type.Fields, names);
                code.Append($"\n\ndef _enc_{name}(v: {name}) -> Dict[str, Any]:\n    return {EncodeFields(type.Fields, names)}\n");
                code.Append($"\n\ndef _dec_{name}(v: Any) -> {name}:\n    return {name}({DecodeFields(type.Fields, names)})\n");
                break;
            case TypeKind.Union:
                code.Append($"\n\nclass {name}:\n    \"\"\"{type.Name}: one of {string.Join(", ", type.Cases.Select(c => names.Case(type, c)))}.\"\"\"\n");
                foreach (var unionCase in type.Cases)
                {
                    WriteDataclass(code, names.Case(type, unionCase), name, unionCase.Fields, names);
                }
                code.Append($"\n\ndef _enc_{name}(v: {name}) -> List[Any]:\n");
                foreach (var unionCase in type.Cases)
                {
                    code.Append($"    if isinstance(v, {names.Case(type, unionCase)}):\n        return [{unionCase.Tag}, {EncodeFields(unionCase.Fields, names)}]\n");
                }
                code.Append($"    raise TypeError(f\"not a {name}: {{v!r}}\")\n");
                code.Append($"\n\ndef _dec_{name}(v: Any) -> {name}:\n    tag, v = v\n");
                foreach (var unionCase in type.Cases)
                {
                    code.Append($"    if tag == {unionCase.Tag}:\n        return {names.Case(type, unionCase)}({DecodeFields(unionCase.Fields, names)})\n");
                }
                code.Append($"    raise TinoError(\"INVALID_REPLY\", f\"{name} has no case {{tag}}\")\n");
                break;
            default:
                code.Append($"\n\nclass {name}(enum.IntEnum):\n");
                foreach (var (member, value) in type.Members)
                {
                    code.Append($"    {PythonNames.Identifier(member)} = {value}\n");
                }
                code.Append($"\n\ndef _enc_{name}(v: {name}) -> int:\n    return int(v)\n");
                code.Append($"\n\ndef _dec_{name}(v: Any) -> {name}:\n    return {name}(v)\n");
                break;
        }
    }

    /// <summary>A dataclass: required fields first, then the optional ones, which default to None.</summary>
    private static void WriteDataclass(StringBuilder code, string name, string? baseName, IReadOnlyList<FieldSchema> fields, PythonNames names)
    {
        code.Append($"\n\n@dataclass\nclass {name}{(baseName is null ? "" : $"({baseName})")}:\n");
        if (fields.Count == 0)
        {
            code.Append("    pass\n");
        }
        foreach (var field in fields.OrderBy(f => f.Required ? 0 : 1))
        {
            var hint = names.Hint(field.Required ? field.Type : Optionally(field.Type));
            code.Append($"    {PythonNames.Identifier(field.Name)}: {hint}{(field.Required ? "" : " = None")}\n");
        }
    }

    private static WireType Optionally(WireType type) => type is Optional ? type : new Optional(type);

    private static string EncodeFields(IReadOnlyList<FieldSchema> fields, PythonNames names) =>
        "{" + string.Join(", ", fields.Select(f => $"\"{f.Name}\": {Encode(f.Required ? f.Type : Optionally(f.Type), $"v.{PythonNames.Identifier(f.Name)}", names, 0)}")) + "}";

    private static string DecodeFields(IReadOnlyList<FieldSchema> fields, PythonNames names) =>
        string.Join(", ", fields.Select(f => f.Required
            ? $"{PythonNames.Identifier(f.Name)}={Decode(f.Type, $"v[\"{f.Name}\"]", names, 0)}"
            : $"{PythonNames.Identifier(f.Name)}={Decode(Optionally(f.Type), $"v.get(\"{f.Name}\")", names, 0)}"));

    /// <summary>One method of <c>Client</c>, or, <paramref name="isAsync"/>, of <c>AsyncClient</c>.</summary>
    private static void WriteMethod(StringBuilder code, CommandSchema command, PythonNames names, bool isAsync)
    {
        var method = PythonNames.Identifier(command.Name.ToLowerInvariant());
        var parameters = string.Concat(command.Parameters.Select(p => $", {PythonNames.Identifier(p.Name)}: {names.Hint(p.Type)}"));
        var arguments = string.Join(", ", command.Parameters.Select(p => Encode(p.Type, PythonNames.Identifier(p.Name), names, 0)));
        var result = command.Result;
        var returns = command.Stream ? $"{(isAsync ? "AsyncIterator" : "Iterator")}[{names.Hint(result)}]" : names.Hint(result);
        var signature = $"{command.Name}({string.Join(", ", command.Parameters.Select(p => $"{p.Name}: {p.Type.Spelling}"))}) -> {result.Spelling}";
        var doc = (command.Description is { } description ? $"{description} " : "")
            + $"`{signature}`{(command.Stream ? ", a stream: read with ITER and NEXT; leaving the loop early sends CLOSE" : "")}"
            + (command.Auth ? "; needs AUTH." : ".");
        var list = command.Parameters.Count == 0 ? "[]" : $"[{arguments}]";
        var call = $"{(isAsync ? "await " : "")}self._call(\"{command.Name}\", {list})";
        code.Append($"\n    {(isAsync && !command.Stream ? "async " : "")}def {method}(self{parameters}) -> {returns}:\n");
        code.Append($"        \"\"\"{doc.Replace("\"\"\"", "'''")}\"\"\"\n");
        if (command.Stream)
        {
            code.Append($"        return self._stream(\"{command.Name}\", {list}, {Decoder(result, names, 0)})\n");
        }
        else if (result is Primitive { Name: "nil" })
        {
            code.Append($"        {call}\n");
        }
        else
        {
            code.Append($"        return {Decode(result, call, names, 0)}\n");
        }
    }

    /// <summary>A Python expression that makes <paramref name="value"/> (of <paramref name="type"/>) ready for msgpack.</summary>
    private static string Encode(WireType type, string value, PythonNames names, int depth) => type switch
    {
        Primitive { Name: "float32" or "float64" } => $"float({value})",
        Primitive { Name: "char" } => $"ord({value})",
        Primitive { Name: "decimal" or "uuid" } => $"str({value})",
        Primitive { Name: "timespan" } => $"round({value}.total_seconds() * 10_000_000)",
        Primitive { Name: "bin" } => $"bytes({value})",
        Primitive => value,
        Optional optional when Encode(optional.Inner, value, names, depth) == value => value,
        Optional optional => $"(None if {value} is None else {Encode(optional.Inner, value, names, depth)})",
        ArrayType array when Encode(array.Item, "x", names, depth + 1) == "x" => value,
        ArrayType array => $"[{Encode(array.Item, $"x{depth}", names, depth + 1)} for x{depth} in {value}]",
        MapType map => $"{{{Encode(map.Key, $"k{depth}", names, depth + 1)}: {Encode(map.Value, $"x{depth}", names, depth + 1)} for k{depth}, x{depth} in {value}.items()}}",
        TupleType tuple => "[" + string.Join(", ", tuple.Items.Select((item, i) => Encode(item, $"{value}[{i}]", names, depth))) + "]",
        Named named => $"_enc_{names.Of(named.Name)}({value})",
        _ => value,
    };

    /// <summary>A function that decodes <paramref name="type"/>: <c>_dec_Note</c> itself, or a lambda.</summary>
    private static string Decoder(WireType type, PythonNames names, int depth) =>
        type is Named named ? $"_dec_{names.Of(named.Name)}" : $"lambda x{depth}: {Decode(type, $"x{depth}", names, depth + 1)}";

    /// <summary>A Python expression that makes the msgpack value <paramref name="value"/> into <paramref name="type"/>.</summary>
    private static string Decode(WireType type, string value, PythonNames names, int depth) => type switch
    {
        Primitive { Name: "float32" or "float64" } => $"float({value})",
        Primitive { Name: "char" } => $"chr({value})",
        Primitive { Name: "decimal" } => $"decimal.Decimal({value})",
        Primitive { Name: "uuid" } => $"uuid.UUID({value})",
        Primitive { Name: "timespan" } => $"datetime.timedelta(microseconds={value} / 10)",
        Primitive => value,
        Optional optional when Decode(optional.Inner, "x", names, depth) == "x" => value,
        Optional optional => $"_optional({value}, {Decoder(optional.Inner, names, depth + 1)})",
        ArrayType array when Decode(array.Item, "x", names, depth + 1) == "x" => value,
        ArrayType array => $"[{Decode(array.Item, $"x{depth}", names, depth + 1)} for x{depth} in {value}]",
        MapType map => $"{{{Decode(map.Key, $"k{depth}", names, depth + 1)}: {Decode(map.Value, $"x{depth}", names, depth + 1)} for k{depth}, x{depth} in {value}.items()}}",
        TupleType tuple => $"(lambda t{depth}: (" + string.Concat(tuple.Items.Select((item, i) => Decode(item, $"t{depth}[{i}]", names, depth + 1) + ", ")) + $"))({value})",
        Named named => $"_dec_{names.Of(named.Name)}({value})",
        _ => value,
    };

    private const string ClientHead = """"


        class Client:
            """A connection pool to one server (redis-py's); methods are the server's commands, named as on the wire."""

            def __init__(self, host: str = "127.0.0.1", port: int = 7534, password: Optional[str] = None,
                         tls: bool = False, username: Optional[str] = None) -> None:
                self.redis = redis.Redis(host=host, port=port, username=username, password=password, ssl=tls)
                # Replies are MessagePack: none of redis-py's per-command reply parsing applies.
                self.redis.response_callbacks.clear()

            def close(self) -> None:
                self.redis.close()

            def __enter__(self) -> "Client":
                return self

            def __exit__(self, *_: Any) -> None:
                self.close()

            def _call(self, command: str, arguments: List[Any]) -> Any:
                try:
                    reply = self.redis.execute_command(command, *[_pack(a) for a in arguments])
                except redis.ResponseError as error:
                    raise TinoError.from_reply(str(error)) from None
                return None if reply is None else _unpack(reply)

            def _stream(self, command: str, arguments: List[Any], decode: Callable[[Any], T]) -> Iterator[T]:
                # A cursor lives on one connection: the stream keeps one from the pool until it ends or is left.
                connection = self.redis.connection_pool.get_connection(command)
                cursor: Optional[bytes] = None
                try:
                    reply = _read(connection, "ITER", command, *[_pack(a) for a in arguments])
                    while True:
                        cursor, items = reply
                        for item in items:
                            yield decode(_unpack(item))
                        if cursor == b"0":
                            cursor = None
                            return
                        reply = _read(connection, "NEXT", cursor, 128)
                finally:
                    if cursor is not None and cursor != b"0":
                        _read(connection, "CLOSE", cursor)
                    self.redis.connection_pool.release(connection)

            def subscribe(self, *channels: str) -> Iterator[Event]:
                """The events published on these channels, as they come; leaving the loop unsubscribes."""
                return self._listen(False, channels)

            def psubscribe(self, *patterns: str) -> Iterator[Event]:
                """The events published on every channel matching these glob patterns."""
                return self._listen(True, patterns)

            def _listen(self, patterns: bool, names: Tuple[str, ...]) -> Iterator[Event]:
                pubsub = self.redis.pubsub(ignore_subscribe_messages=True)
                try:
                    (pubsub.psubscribe if patterns else pubsub.subscribe)(*names)
                    for message in pubsub.listen():
                        if message["type"] in ("message", "pmessage"):
                            pattern = message["pattern"]
                            yield Event(message["channel"].decode(), _unpack(message["data"]), pattern.decode() if pattern else None)
                finally:
                    pubsub.close()

        """";

    private const string AsyncClientHead = """"


        class AsyncClient:
            """The same methods for asyncio, on redis.asyncio: `async with AsyncClient(...) as client: await client.add(1, 2)`."""

            def __init__(self, host: str = "127.0.0.1", port: int = 7534, password: Optional[str] = None,
                         tls: bool = False, username: Optional[str] = None) -> None:
                self.redis = redis.asyncio.Redis(host=host, port=port, username=username, password=password, ssl=tls)
                self.redis.response_callbacks.clear()

            async def close(self) -> None:
                await self.redis.close()

            async def __aenter__(self) -> "AsyncClient":
                return self

            async def __aexit__(self, *_: Any) -> None:
                await self.close()

            async def _call(self, command: str, arguments: List[Any]) -> Any:
                try:
                    reply = await self.redis.execute_command(command, *[_pack(a) for a in arguments])
                except redis.ResponseError as error:
                    raise TinoError.from_reply(str(error)) from None
                return None if reply is None else _unpack(reply)

            async def _stream(self, command: str, arguments: List[Any], decode: Callable[[Any], T]) -> AsyncIterator[T]:
                connection = await self.redis.connection_pool.get_connection(command)
                cursor: Optional[bytes] = None
                try:
                    reply = await _read_async(connection, "ITER", command, *[_pack(a) for a in arguments])
                    while True:
                        cursor, items = reply
                        for item in items:
                            yield decode(_unpack(item))
                        if cursor == b"0":
                            cursor = None
                            return
                        reply = await _read_async(connection, "NEXT", cursor, 128)
                finally:
                    if cursor is not None and cursor != b"0":
                        await _read_async(connection, "CLOSE", cursor)
                    await self.redis.connection_pool.release(connection)

            def subscribe(self, *channels: str) -> AsyncIterator[Event]:
                """The events published on these channels, as they come; leaving the loop unsubscribes."""
                return self._listen(False, channels)

            def psubscribe(self, *patterns: str) -> AsyncIterator[Event]:
                """The events published on every channel matching these glob patterns."""
                return self._listen(True, patterns)

            async def _listen(self, patterns: bool, names: Tuple[str, ...]) -> AsyncIterator[Event]:
                pubsub = self.redis.pubsub(ignore_subscribe_messages=True)
                try:
                    await (pubsub.psubscribe if patterns else pubsub.subscribe)(*names)
                    async for message in pubsub.listen():
                        if message["type"] in ("message", "pmessage"):
                            pattern = message["pattern"]
                            yield Event(message["channel"].decode(), _unpack(message["data"]), pattern.decode() if pattern else None)
                finally:
                    await pubsub.reset()

        """";

    private const string Runtime = """"
        # Generated by `tino generate python` from the TINO.SCHEMA of {source} (schema sha256 {hash}).
        # Do not edit: generate it again when the server changes (`tino generate python ... --check` says when).
        """A typed client of a Tino server: one method per command, on redis-py and msgpack."""
        from __future__ import annotations

        import datetime
        import decimal
        import enum
        import json
        import uuid
        from dataclasses import dataclass
        from typing import Any, AsyncIterator, Callable, Dict, Iterator, List, Optional, Tuple, TypeVar

        import msgpack
        import redis
        import redis.asyncio

        SCHEMA_SHA256 = "{hash}"

        T = TypeVar("T")


        class TinoError(Exception):
            """An error reply: its `code` (NOT_FOUND, VALIDATION_ERROR, ...), its `message`, and the whole `detail`."""

            def __init__(self, code: str, message: str, detail: str = "") -> None:
                super().__init__(f"{code}: {message}" if message else code)
                self.code = code
                self.message = message
                self.detail = detail

            @staticmethod
            def from_reply(text: str) -> "TinoError":
                code, _, detail = text.partition(" ")
                return TinoError(code, _first_string(detail), detail)


        @dataclass
        class Event:
            """An event: the channel it was published on, its value, and the pattern that matched it (psubscribe)."""
            channel: str
            value: Any
            pattern: Optional[str] = None


        def _first_string(detail: str) -> str:
            """The first JSON string of an error's detail (`["command","a"] "expected int32" "int32"` gives the message)."""
            decoder = json.JSONDecoder()
            at = 0
            while at < len(detail):
                if detail[at] == " ":
                    at += 1
                    continue
                try:
                    value, at = decoder.raw_decode(detail, at)
                except ValueError:
                    return detail
                if isinstance(value, str):
                    return value
            return detail


        def _pack(value: Any) -> bytes:
            return msgpack.packb(value, use_bin_type=True, datetime=True)


        def _unpack(data: bytes) -> Any:
            return msgpack.unpackb(data, raw=False, timestamp=3, strict_map_key=False)


        def _optional(value: Any, decode: Callable[[Any], T]) -> Optional[T]:
            return None if value is None else decode(value)


        def _read(connection: Any, *command: Any) -> Any:
            connection.send_command(*command)
            try:
                return connection.read_response()
            except redis.ResponseError as error:
                raise TinoError.from_reply(str(error)) from None


        async def _read_async(connection: Any, *command: Any) -> Any:
            await connection.send_command(*command)
            try:
                return await connection.read_response()
            except redis.ResponseError as error:
                raise TinoError.from_reply(str(error)) from None

        """";
}
