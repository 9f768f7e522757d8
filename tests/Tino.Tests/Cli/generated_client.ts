// Every interop command through a client that `tino generate typescript` wrote. Usage: node generated_client.js <port>
import { Client, Note, TinoError } from "./tinoClient";

const port = Number(process.argv[2]);
const failures: string[] = [];

function check(what: string, got: unknown, expected: unknown): void {
    const [a, b] = [JSON.stringify(got), JSON.stringify(expected)];
    if (a !== b) {
        failures.push(`${what}: expected ${b}, got ${a}`);
    }
}

async function errorOf(call: () => Promise<unknown>): Promise<[string, string] | null> {
    try {
        await call();
    } catch (error) {
        if (error instanceof TinoError) {
            return [error.code, error.message];
        }
        throw error;
    }
    return null;
}

async function main(): Promise<void> {
    const client = await Client.connect({ port, password: "tinaspassword" });
    check("add", await client.add(2147483647, 2147483647), 4294967294);
    check("echo_value", await client.echoValue({ a: [1, 2.5, null, true] }), { a: [1, 2.5, null, true] });
    check("concat", await client.concat(["a", "b", "c"]), "abc");
    check("create_note", await client.createNote({ text: "first", completed: false }), { id: 1, text: "first", completed: false });
    await client.createNote({ text: "second", completed: true });
    const notes: Note[] = await client.readNotes();
    check("read_notes", notes, [{ id: 1, text: "first", completed: false }, { id: 2, text: "second", completed: true }]);
    check("get_note", await client.getNote(2), { id: 2, text: "second", completed: true });
    check("get_note of nothing", await client.getNote(99), null);
    check("whoami", await client.whoami(), "tina");
    check("maybe_whoami", await client.maybeWhoami(), "tina");
    check("counter", [await client.counter(), await client.counter()], [1, 2]);
    check("fail", await errorOf(() => client.fail("NOT_FOUND", "gone")), ["NOT_FOUND", "gone"]);
    check("crash", (await errorOf(() => client.crash()))?.[0], "UNEXPECTED_ERROR");
    check("sleep", await client.sleep(5), 5);
    check("blob", Array.from(await client.blob(300)), Array.from({ length: 300 }, (_, i) => i % 251));
    check("blob_len", await client.blobLen(new Uint8Array([1, 2, 3])), 3);
    check("echo_bin", Array.from(await client.echoBin(new Uint8Array([4, 5]))), [4, 5]);
    check("shape_name, case 0", await client.shapeName({ kind: "Circle", radius: 1.5 }), "circle 1.5");
    check("shape_name, case 1", await client.shapeName({ kind: "Rect", width: 2.5, height: 0.1 }), "rect 2.5 0.1");
    const whole: number[] = [];
    for await (const i of client.range(1000)) {
        whole.push(i);
    }
    check("range, whole", whole, Array.from({ length: 1000 }, (_, i) => i));
    const taken: number[] = [];
    for await (const i of client.range(1000000)) {
        taken.push(i);
        if (taken.length === 5) {
            break;
        }
    }
    check("range, left early", taken, [0, 1, 2, 3, 4]);
    check("the next call after a stream left early", await client.add(1, 2), 3);

    const events = client.subscribe("news");
    const first = events.next();
    let heard = false;
    void first.then(() => (heard = true));
    for (let i = 0; i < 400 && !heard; i++) {
        await client.notify("news", "hello");
        await new Promise((resolve) => setTimeout(resolve, 50));
    }
    check("an event", (await first).value, { channel: "news", value: "hello" });
    await events.return(undefined);
    await client.close();

    const anonymous = await Client.connect({ port });
    check("whoami without AUTH", (await errorOf(() => anonymous.whoami()))?.[0], "PERMISSION_DENIED");
    check("maybe_whoami without AUTH", await anonymous.maybeWhoami(), null);
    await anonymous.close();

    console.log(failures.length > 0 ? failures.join("\n") : "all commands passed");
    process.exit(failures.length > 0 ? 1 : 0);
}

main().catch((error: unknown) => {
    console.log(`failed: ${String(error)}`);
    process.exit(1);
});
