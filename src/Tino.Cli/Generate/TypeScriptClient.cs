using System.Text;

namespace Tino.Cli.Generate;

/// <summary>
/// Writes a TypeScript module from a server's schema: an interface per record, a discriminated union
/// (<c>{kind: "Circle", radius}</c>) per union, an enum per enum, and a <c>Client</c> with one async method per command
/// (camelCase), on ioredis and @msgpack/msgpack. It compiles with <c>tsc --strict</c>.
/// </summary>
internal static class TypeScriptClient
{
    private static readonly HashSet<string> s_reserved =
    [
        "break", "case", "catch", "class", "const", "continue", "debugger", "default", "delete", "do", "else", "enum",
        "export", "extends", "false", "finally", "for", "function", "if", "import", "in", "instanceof", "new", "null",
        "return", "super", "switch", "this", "throw", "true", "try", "typeof", "var", "void", "while", "with", "yield",
        "let", "static", "implements", "interface", "package", "private", "protected", "public", "await",
    ];

    /// <summary>The client's own members, which a command's method must not hide (a reserved word is a fine method name).</summary>
    private static readonly HashSet<string> s_members = ["close", "subscribe", "psubscribe", "connect", "redis", "raw", "call", "stream", "listen", "constructor"];

    /// <summary>The source of the module.</summary>
    public static string Write(ServerSchema schema, string source, string hash)
    {
        var code = new StringBuilder(Runtime.Replace("{source}", source).Replace("{hash}", hash));
        foreach (var type in schema.Types)
        {
            WriteType(code, type);
        }
        code.Append(ClientHead);
        foreach (var command in schema.Commands)
        {
            WriteMethod(code, command);
        }
        code.Append("}\n");
        return code.ToString();
    }

    private static string Name(string typeName) => Identifiers.Clean(typeName);

    private static string Identifier(string name)
    {
        var clean = Identifiers.Clean(name);
        return s_reserved.Contains(clean) ? clean + "_" : clean;
    }

    private static void WriteType(StringBuilder code, NamedType type)
    {
        var name = Name(type.Name);
        switch (type.Kind)
        {
            case TypeKind.Record:
                code.Append($"\nexport interface {name} {{\n{Members(type.Fields, "    ")}}}\n");
                code.Append($"\nfunction enc{name}(v: {name}): Record<string, unknown> {{\n    return {EncodeFields(type.Fields)};\n}}\n");
                code.Append($"\nfunction dec{name}(value: unknown): {name} {{\n    const v = value as Record<string, unknown>;\n    return {DecodeFields(type.Fields, null)};\n}}\n");
                break;
            case TypeKind.Union:
                code.Append($"\nexport type {name} =\n");
                code.Append(string.Join("\n", type.Cases.Select(c => $"    | {{ kind: \"{c.Name}\"{string.Concat(c.Fields.Select(f => $"; {Field(f)}"))} }}")) + ";\n");
                code.Append($"\nfunction enc{name}(v: {name}): unknown {{\n    switch (v.kind) {{\n");
                foreach (var unionCase in type.Cases)
                {
                    code.Append($"        case \"{unionCase.Name}\":\n            return [{unionCase.Tag}, {EncodeFields(unionCase.Fields)}];\n");
                }
                code.Append("    }\n}\n");
                code.Append($"\nfunction dec{name}(value: unknown): {name} {{\n    const [tag, v] = value as [number, Record<string, unknown>];\n    switch (tag) {{\n");
                foreach (var unionCase in type.Cases)
                {
                    code.Append($"        case {unionCase.Tag}:\n            return {DecodeFields(unionCase.Fields, unionCase.Name)};\n");
                }
                code.Append($"    }}\n    throw new TinoError(\"INVALID_REPLY\", `{name} has no case ${{tag}}`);\n}}\n");
                break;
            default:
                code.Append($"\nexport enum {name} {{\n{string.Concat(type.Members.Select(m => $"    {Identifiers.Clean(m.Name)} = {m.Value},\n"))}}}\n");
                code.Append($"\nfunction enc{name}(v: {name}): number {{\n    return v;\n}}\n");
                code.Append($"\nfunction dec{name}(value: unknown): {name} {{\n    return value as {name};\n}}\n");
                break;
        }
    }

    private static string Field(FieldSchema field) =>
        field.Required ? $"{field.Name}: {Hint(field.Type)}" : $"{field.Name}?: {Hint(field.Type is Optional o ? o.Inner : field.Type)} | null";

    private static string Members(IReadOnlyList<FieldSchema> fields, string indent) =>
        string.Concat(fields.Select(f => $"{indent}{Field(f)};\n"));

    private static string EncodeFields(IReadOnlyList<FieldSchema> fields) =>
        "{ " + string.Join(", ", fields.Select(f => $"{f.Name}: {Encode(f.Required ? f.Type : Optionally(f.Type), $"v.{f.Name}", 0)}")) + " }";

    private static string DecodeFields(IReadOnlyList<FieldSchema> fields, string? kind) =>
        "{ " + string.Join(", ", (kind is null ? [] : new[] { $"kind: \"{kind}\"" })
            .Concat(fields.Select(f => $"{f.Name}: {Decode(f.Required ? f.Type : Optionally(f.Type), $"v[\"{f.Name}\"]", 0)}"))) + " }";

    private static WireType Optionally(WireType type) => type is Optional ? type : new Optional(type);

    private static void WriteMethod(StringBuilder code, CommandSchema command)
    {
        var camel = Identifiers.CamelCase(command.Name);
        var method = s_members.Contains(camel) ? camel + "_" : camel;
        var parameters = string.Join(", ", command.Parameters.Select(p => $"{Identifier(p.Name)}: {Hint(p.Type)}"));
        var list = "[" + string.Join(", ", command.Parameters.Select(p => Encode(p.Type, Identifier(p.Name), 0))) + "]";
        var result = command.Result;
        var signature = $"{command.Name}({string.Join(", ", command.Parameters.Select(p => $"{p.Name}: {p.Type.Spelling}"))}) -> {result.Spelling}";
        var doc = (command.Description is { } description ? $"{description} " : "") + $"`{signature}`"
            + (command.Stream ? ", a stream: read with ITER and NEXT; leaving the loop early sends CLOSE" : "")
            + (command.Auth ? "; needs AUTH." : ".");
        code.Append($"\n    /** {doc.Replace("*/", "* /")} */\n");
        if (command.Stream)
        {
            code.Append($"    {method}({parameters}): AsyncGenerator<{Hint(result)}> {{\n");
            code.Append($"        return this.stream(\"{command.Name}\", {list}, {Decoder(result, 0)});\n    }}\n");
        }
        else if (result is Primitive { Name: "nil" })
        {
            code.Append($"    async {method}({parameters}): Promise<void> {{\n        await this.call(\"{command.Name}\", {list});\n    }}\n");
        }
        else
        {
            code.Append($"    async {method}({parameters}): Promise<{Hint(result)}> {{\n");
            code.Append($"        return {Decode(result, $"await this.call(\"{command.Name}\", {list})", 0)};\n    }}\n");
        }
    }

    /// <summary>The TypeScript type of a wire type.</summary>
    private static string Hint(WireType type) => type switch
    {
        Primitive { Name: "bool" } => "boolean",
        Primitive { Name: "string" or "char" or "decimal" or "uuid" } => "string",
        Primitive { Name: "timestamp" } => "Date",
        Primitive { Name: "bin" } => "Uint8Array",
        Primitive { Name: "nil" } => "null",
        Primitive { Name: "any" } => "unknown",
        Primitive => "number",
        Optional optional => $"{Hint(optional.Inner)} | null",
        ArrayType array => array.Item is Optional ? $"Array<{Hint(array.Item)}>" : $"{Hint(array.Item)}[]",
        MapType map => $"Map<{Hint(map.Key)}, {Hint(map.Value)}>",
        TupleType tuple => $"[{string.Join(", ", tuple.Items.Select(Hint))}]",
        Named named => Name(named.Name),
        _ => "unknown",
    };

    /// <summary>An expression that makes <paramref name="value"/> ready for msgpack.</summary>
    private static string Encode(WireType type, string value, int depth) => type switch
    {
        Primitive { Name: "char" } => $"{value}.charCodeAt(0)",
        Primitive => value,
        Optional optional when Encode(optional.Inner, "x", depth) == "x" => $"{value} ?? null",
        Optional optional => $"({value} == null ? null : {Encode(optional.Inner, value, depth)})",
        ArrayType array when Encode(array.Item, "x", depth + 1) == "x" => value,
        ArrayType array => $"{value}.map((x{depth}) => {Encode(array.Item, $"x{depth}", depth + 1)})",
        MapType map => $"new Map([...{value}].map(([k{depth}, x{depth}]) => [{Encode(map.Key, $"k{depth}", depth + 1)}, {Encode(map.Value, $"x{depth}", depth + 1)}]))",
        TupleType tuple => "[" + string.Join(", ", tuple.Items.Select((item, i) => Encode(item, $"{value}[{i}]", depth))) + "]",
        Named named => $"enc{Name(named.Name)}({value})",
        _ => value,
    };

    /// <summary>A function that decodes <paramref name="type"/>: <c>decNote</c> itself, or an arrow function.</summary>
    private static string Decoder(WireType type, int depth) =>
        type is Named named ? $"dec{Name(named.Name)}" : $"(x{depth}) => {Decode(type, $"x{depth}", depth + 1)}";

    /// <summary>An expression that makes the msgpack value <paramref name="value"/> into <paramref name="type"/>.</summary>
    private static string Decode(WireType type, string value, int depth) => type switch
    {
        Primitive { Name: "char" } => $"String.fromCharCode({value} as number)",
        Primitive { Name: "any" } => value,
        Primitive => $"{value} as {Hint(type)}",
        Optional optional => $"optional({value}, {Decoder(optional.Inner, depth)})",
        ArrayType array => $"({value} as unknown[]).map({Decoder(array.Item, depth)})",
        MapType map => $"new Map([...asMap({value})].map(([k{depth}, x{depth}]) => [{Decode(map.Key, $"k{depth}", depth + 1)}, {Decode(map.Value, $"x{depth}", depth + 1)}]))",
        TupleType tuple => $"((t{depth}: unknown[]) => [" + string.Join(", ", tuple.Items.Select((item, i) => Decode(item, $"t{depth}[{i}]", depth + 1))) + $"] as {Hint(type)})({value} as unknown[])",
        Named named => $"dec{Name(named.Name)}({value})",
        _ => value,
    };

    private const string ClientHead = """

        /** Options of {@link Client.connect}. */
        export interface ClientOptions {
            host?: string;
            port?: number;
            username?: string;
            password?: string;
            tls?: boolean;
        }

        /** A connection to one server (ioredis'); methods are the server's commands, in camelCase. */
        export class Client {
            private constructor(readonly redis: Redis) {}

            /** Connects, and authenticates when given a password. */
            static async connect(options: ClientOptions = {}): Promise<Client> {
                const redis = new Redis({
                    host: options.host ?? "127.0.0.1",
                    port: options.port ?? 7534,
                    username: options.username,
                    password: options.password,
                    tls: options.tls ? {} : undefined,
                    lazyConnect: true,
                    maxRetriesPerRequest: 0,
                });
                await redis.connect();
                return new Client(redis);
            }

            async close(): Promise<void> {
                await this.redis.quit();
            }

            private async raw(command: string, ...args: (string | Buffer)[]): Promise<unknown> {
                try {
                    return await this.redis.callBuffer(command, ...args);
                } catch (error) {
                    throw TinoError.from(error);
                }
            }

            private async call(command: string, args: unknown[]): Promise<unknown> {
                const reply = (await this.raw(command, ...args.map(pack))) as Buffer | null;
                return reply === null ? null : unpack(reply);
            }

            // A cursor lives on one connection, and a Client has one: ITER, NEXT and CLOSE go on it in order.
            private async *stream<T>(command: string, args: unknown[], decodeItem: (value: unknown) => T): AsyncGenerator<T> {
                let [cursor, items] = (await this.raw("ITER", command, ...args.map(pack))) as [Buffer, Buffer[]];
                try {
                    while (true) {
                        for (const item of items) {
                            yield decodeItem(unpack(item));
                        }
                        if (cursor.toString() === "0") {
                            return;
                        }
                        [cursor, items] = (await this.raw("NEXT", cursor, "128")) as [Buffer, Buffer[]];
                    }
                } finally {
                    if (cursor.toString() !== "0") {
                        await this.raw("CLOSE", cursor);
                    }
                }
            }

            /** The events published on these channels, as they come; leaving the loop unsubscribes. */
            subscribe(...channels: string[]): AsyncGenerator<TinoEvent> {
                return this.listen(false, channels);
            }

            /** The events published on every channel matching these glob patterns. */
            psubscribe(...patterns: string[]): AsyncGenerator<TinoEvent> {
                return this.listen(true, patterns);
            }

            private async *listen(patterns: boolean, names: string[]): AsyncGenerator<TinoEvent> {
                const subscriber = this.redis.duplicate();
                const queue: TinoEvent[] = [];
                let wake: (() => void) | null = null;
                const arrived = (event: TinoEvent) => {
                    queue.push(event);
                    wake?.();
                };
                subscriber.on("messageBuffer", (channel: Buffer, data: Buffer) => arrived({ channel: channel.toString(), value: unpack(data) }));
                subscriber.on("pmessageBuffer", (pattern: Buffer, channel: Buffer, data: Buffer) =>
                    arrived({ channel: channel.toString(), value: unpack(data), pattern: pattern.toString() }));
                try {
                    await subscriber.connect();
                    await (patterns ? subscriber.psubscribe(...names) : subscriber.subscribe(...names));
                    while (true) {
                        const next = queue.shift();
                        if (next !== undefined) {
                            yield next;
                        } else {
                            await new Promise<void>((resolve) => (wake = resolve));
                            wake = null;
                        }
                    }
                } finally {
                    subscriber.disconnect();
                }
            }

        """;

    private const string Runtime = """
        // Generated by `tino generate typescript` from the TINO.SCHEMA of {source} (schema sha256 {hash}).
        // Do not edit: generate it again when the server changes (`tino generate typescript ... --check` says when).
        import Redis from "ioredis";
        import { decode, encode } from "@msgpack/msgpack";

        export const SCHEMA_SHA256 = "{hash}";

        /** An error reply: its `code` (NOT_FOUND, VALIDATION_ERROR, ...), its message, and the whole `detail`. */
        export class TinoError extends Error {
            constructor(readonly code: string, message: string, readonly detail: string = "") {
                super(message);
                this.name = "TinoError";
            }

            static from(error: unknown): Error {
                if (!(error instanceof Error) || error.name !== "ReplyError") {
                    return error instanceof Error ? error : new Error(String(error));
                }
                const space = error.message.indexOf(" ");
                const code = space < 0 ? error.message : error.message.slice(0, space);
                const detail = space < 0 ? "" : error.message.slice(space + 1);
                return new TinoError(code, firstString(detail), detail);
            }
        }

        /** An event: the channel it was published on, its value, and the pattern that matched it (psubscribe). */
        export interface TinoEvent {
            channel: string;
            value: unknown;
            pattern?: string;
        }

        /** The first JSON string of an error's detail (`["command","a"] "expected int32" "int32"` gives the message). */
        function firstString(detail: string): string {
            const found = /"(?:[^"\\]|\\.)*"/.exec(detail);
            if (found === null) {
                return detail;
            }
            try {
                return JSON.parse(found[0]) as string;
            } catch {
                return detail;
            }
        }

        function pack(value: unknown): Buffer {
            return Buffer.from(encode(value));
        }

        function unpack(data: Buffer): unknown {
            return decode(data);
        }

        function optional<T>(value: unknown, decodeValue: (value: unknown) => T): T | null {
            return value === null || value === undefined ? null : decodeValue(value);
        }

        function asMap(value: unknown): Map<unknown, unknown> {
            return value instanceof Map ? value : new Map(Object.entries(value as Record<string, unknown>));
        }

        """;
}
