using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MyService;
using Tino;

var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<INotes, InMemoryNotes>();
builder.Services.AddTino(tino => tino
    .Command("add", (int a, int b) => (long)a + b)
    .Command("now", ([FromServices] TimeProvider clock) => clock.GetUtcNow())   // a service: resolved per call, not sent
    .MapService<INotes>());                                                    // create_note, get_note

// Logs "Tino listening on 127.0.0.1:7534"; the "Tino" configuration section sets it (--Tino:Port=7600, Tino__Port=7600).
// Ctrl+C or SIGTERM finishes the calls under way and stops.
await builder.Build().RunAsync();
