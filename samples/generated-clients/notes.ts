// The notes service (samples/Notes) from TypeScript, through the client `tino generate typescript` writes:
//
//     dotnet run -c Release --project samples/Notes -- --serve --port 7534
//     dotnet run -c Release --project src/Tino.Cli -- generate typescript redis://127.0.0.1:7534 --module notesClient --out samples/generated-clients
//     cd samples/generated-clients && npm install ioredis@5 @msgpack/msgpack@3 typescript@5 @types/node@20
//     npx tsc --strict --esModuleInterop --types node notes.ts notesClient.ts && node notes.js 7534
import { Client, TinoError } from "./notesClient";

async function main(port: number): Promise<void> {
    const notes = await Client.connect({ port, password: "tinaspassword" });
    const note = await notes.create({ text: "buy milk", completed: false });
    console.log("created:", JSON.stringify(note));
    console.log("updated:", JSON.stringify(await notes.update(note.id, { text: "buy oat milk", completed: true })));
    console.log("first page:", (await notes.list(1, 10)).length, "notes");
    let streamed = 0;
    for await (const _ of notes.all()) {
        streamed++;
    }
    console.log("streamed:", streamed, "notes");
    console.log("deleted:", await notes.delete(note.id));
    console.log("read after delete:", await notes.read(note.id));
    await notes.close();

    const anonymous = await Client.connect({ port });
    try {
        await anonymous.list(1, 10);
    } catch (error) {
        if (error instanceof TinoError) {
            console.log("without AUTH:", error.code);
        }
    }
    await anonymous.close();
}

main(Number(process.argv[2] ?? 7534)).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
});
