// The notes service on SQLite, and a client that exercises all of it.
//   dotnet run -c Release --project samples/Notes
//       serves on a free port, runs the client against it, and stops;
//   dotnet run -c Release --project samples/Notes -- --serve --port 7534 [--db "Data Source=/var/lib/notes.db"]
//       serves until Ctrl+C or SIGTERM.
// The database is the file notes.db in the current folder unless --db gives another connection string.
using System.Net;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Tino;
using Tino.Client;
using Tino.Hosting;
using Tino.Samples.Notes;

var notes = new SqliteNotes(Option("--db") ?? "Data Source=notes.db");
var users = new Dictionary<string, string> { ["tinaspassword"] = "tina", ["bobspassword"] = "bob" };
var app = TinoApp.CreateBuilder()
    .UseAuth(password => users.GetValueOrDefault(password))
    .MapService<INotes>(notes)
    .OnStartup(notes.OpenAsync)
    .OnShutdown(notes.CloseAsync)
    .Build();

using var logging = LoggerFactory.Create(builder => builder.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning));
await using var server = new TinoServer(app, logging);
var serve = args.Contains("--serve");
await server.StartAsync(new IPEndPoint(IPAddress.Loopback, serve ? int.Parse(Option("--port") ?? "7534") : 0));
var port = server.LocalEndPoint!.Port;
Console.WriteLine($"Tino listening on redis://127.0.0.1:{port}");

if (serve)
{
    using var stop = new CancellationTokenSource();
    using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, signal => { signal.Cancel = true; stop.Cancel(); });
    using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal => { signal.Cancel = true; stop.Cancel(); });
    try
    {
        await Task.Delay(Timeout.Infinite, stop.Token);
    }
    catch (OperationCanceledException)
    {
        // Stopping: the server drains, then the shut-down hook closes the database.
    }
    return;
}

await using (var tina = await TinoClient.ConnectAsync($"redis://:tinaspassword@127.0.0.1:{port}"))
await using (var bob = await TinoClient.ConnectAsync($"redis://:bobspassword@127.0.0.1:{port}"))
await using (var stranger = await TinoClient.ConnectAsync($"redis://127.0.0.1:{port}"))
{
    var note = await tina.CallAsync<Note>("create", TinoArg.From(new NoteInput("buy milk", false)));
    Console.WriteLine($"created: {note}");
    Console.WriteLine($"read: {await tina.CallAsync<Note?>("read", note.Id)}");
    Console.WriteLine($"updated: {await tina.CallAsync<Note?>("update", note.Id, TinoArg.From(new NoteInput("buy oat milk", true)))}");
    await tina.CallAsync<Note>("create", TinoArg.From(new NoteInput("call the plumber", false)));
    var page = await tina.CallAsync<Note[]>("list", 1, 10);
    Console.WriteLine($"first page: {page.Length} notes");
    var streamed = 0;
    await foreach (var _ in tina.StreamAsync<Note>("all"))
    {
        streamed++;
    }
    Console.WriteLine($"streamed: {streamed} notes");
    Console.WriteLine($"bob reads tina's note: {(await bob.CallAsync<Note?>("read", note.Id))?.ToString() ?? "nil"}");
    try
    {
        await stranger.CallAsync<Note[]>("list", 1, 10);
    }
    catch (TinoPermissionException error)
    {
        Console.WriteLine($"without AUTH: {error.Code}");
    }
    Console.WriteLine($"deleted: {await tina.CallAsync<bool>("delete", note.Id)}");
    Console.WriteLine($"read after delete: {(await tina.CallAsync<Note?>("read", note.Id))?.ToString() ?? "nil"}");
}
await server.StopAsync();

string? Option(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}
