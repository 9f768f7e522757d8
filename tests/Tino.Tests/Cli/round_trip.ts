// Round trips through a client that `tino generate typescript` wrote for RoundTripTests' server: the values .NET's
// proxy sends (RoundTripTests.fs), in the same order; each must come back as it went. Usage: node round_trip.js <port>
import { Client, Mixed, Outer } from "./tinoClient";

const failures: string[] = [];

/** A value as JSON can compare it: bytes as hex, dates as ISO text, maps as their entries with each key's type. */
function canonical(value: unknown): unknown {
    if (value instanceof Uint8Array) {
        return { bin: Buffer.from(value).toString("hex") };
    }
    if (value instanceof Date) {
        return { date: value.toISOString() };
    }
    if (value instanceof Map) {
        // A map decodes through a JavaScript object, whose integer keys come in their own order.
        const entries = [...value].map(([k, v]) => [typeof k, canonical(k), canonical(v)]);
        return { map: entries.sort((a, b) => String(a[1]).localeCompare(String(b[1]))) };
    }
    if (Array.isArray(value)) {
        return value.map(canonical);
    }
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, canonical(v)]));
    }
    return value;
}

function check(what: string, got: unknown, expected: unknown): void {
    const [a, b] = [JSON.stringify(canonical(got)), JSON.stringify(canonical(expected))];
    if (a !== b) {
        failures.push(`${what}: expected ${b}, got ${a}`);
    }
}

async function main(): Promise<void> {
    const client = await Client.connect({ port: Number(process.argv[2]) });
    try {
        check("widths, the least",
            await client.widths(-128, -32768, -2147483648, -9007199254740991, 255, 65535, 4294967295, 9007199254740991),
            { i8: -128, i16: -32768, i32: -2147483648, i64: -9007199254740991, u8: 255, u16: 65535, u32: 4294967295, u64: 9007199254740991 });
        check("widths, the most",
            await client.widths(127, 32767, 2147483647, 4294967296, 0, 256, 65536, 0),
            { i8: 127, i16: 32767, i32: 2147483647, i64: 4294967296, u8: 0, u16: 256, u32: 65536, u64: 0 });
        check("floats", await client.floats(1.5, 2.0), [1.5, 2.0]);
        check("floats, rounded to float32", await client.floats(0.1, 0.1), [Math.fround(0.1), 0.1]);
        check("floats, the largest", await client.floats(3.4028234663852886e38, 1e300), [3.4028234663852886e38, 1e300]);
        const times = [
            new Date("2000-01-01T00:00:00Z"), new Date("2024-02-29T12:34:56.789Z"),
            new Date("1969-07-20T20:17:40Z"), new Date("2600-01-01T00:00:00.001Z"),
        ];
        check("times", await client.times(times), times);
        const data = Uint8Array.from({ length: 300 }, (_, i) => i % 256);
        check("bin", await client.bin(data), data);
        const keyed = new Map([[-2, "minus two"], [1, "one"], [300, "three hundred"]]);
        check("keyed", await client.keyed(keyed), keyed);
        const trees: Outer[] = [
            { kind: "Wrapped", inner: { kind: "Leaf", value: 7 } },
            { kind: "Many", items: [{ kind: "Leaf", value: -1 }, { kind: "Pair", left: "x", right: 0.5 }], label: "label" },
            { kind: "Many", items: [], label: null },
        ];
        for (const tree of trees) {
            check("tree", await client.tree(tree), tree);
        }
        const mixed: Mixed = {
            at: new Date("2024-02-29T12:34:56.789Z"), data: Uint8Array.from([1, 2, 3]), keyed: new Map([[5, "five"]]),
            tree: { kind: "Wrapped", inner: { kind: "Pair", left: "π", right: 2.5 } }, note: null, ratio: 0.75,
        };
        check("mixed", await client.mixed(mixed), mixed);
    } finally {
        await client.close();
    }
    if (failures.length > 0) {
        console.log(failures.join("\n"));
        process.exit(1);
    }
    console.log("round trips passed");
}

main().catch((error: unknown) => {
    console.log(error instanceof Error ? error.stack : String(error));
    process.exit(1);
});
