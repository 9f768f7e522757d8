/// samples/Notes: the notes service on SQLite, run as the README runs it.
module Tino.Tests.Samples.NotesTests

open System
open System.IO
open Expecto
open Tino.Client
open Tino.Tests.CSharp.InteropServerTests
open Tino.Tests.Interop.RealClientTests
open Tino.Tests.Client.ClientTests

/// Runs the sample with its client against a database file of its own, returning what it printed.
let runNotes (database: string) =
    let code, out, err = run "dotnet" [ sampleDll "Notes"; "--db"; $"Data Source={database}" ] (TimeSpan.FromMinutes 2.0)
    Expect.equal code 0 $"the sample ran: {err}"
    out

[<Tests>]
let notes =
    testSequenced <| testList "Notes sample" [
        test "creates its database on first run, exercises every command, and keeps notes between runs" {
            let folder = Directory.CreateTempSubdirectory("tino-notes-").FullName
            try
                let database = Path.Combine(folder, "notes.db")
                let first = runNotes database
                Expect.isTrue (File.Exists database) "the database file was made"
                for line in
                    [ "created: Note { Id = 1, Text = buy milk, Completed = False }"
                      "updated: Note { Id = 1, Text = buy oat milk, Completed = True }"
                      "first page: 2 notes"
                      "streamed: 2 notes"
                      "bob reads tina's note: nil"
                      "without AUTH: PERMISSION_DENIED"
                      "deleted: True"
                      "read after delete: nil" ] do
                    Expect.stringContains first line line
                let second = runNotes database
                Expect.stringContains second "first page: 3 notes" "the second run finds the first run's note"
                Expect.stringContains second "streamed: 3 notes" "and streams it"
            finally
                Directory.Delete(folder, true)
        }
        test "serves until SIGTERM, closing its database at shut-down" {
            let folder = Directory.CreateTempSubdirectory("tino-notes-").FullName
            try
                let database = Path.Combine(folder, "notes.db")
                let code =
                    runSample "Notes" [ "--serve"; "--port"; "0"; "--db"; $"Data Source={database}" ] (fun port ->
                        let client = TinoClient.ConnectAsync($"redis://:bobspassword@127.0.0.1:{port}").Result
                        try Expect.isFalse (await (call<bool> client "delete" [ TinoArg.op_Implicit 12345L ])) "nothing to delete yet"
                        finally client.DisposeAsync().AsTask().Wait())
                Expect.equal code 0 "exit code on SIGTERM"
                Expect.isTrue (File.Exists database) "the database file is there"
            finally
                Directory.Delete(folder, true)
        }
    ]
