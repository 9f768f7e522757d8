module Tino.Tests.Main

open Expecto
open Expecto.Impl

/// Runs every [<Tests>] in this assembly and ends with the plain line `N passed, N failed`.
[<EntryPoint>]
let main argv =
    // Expecto runs tests in parallel on the thread pool, and many of them block it (raw sockets read synchronously,
    // Task.Wait). On two cores the pool grows by about one thread a second, so a starved pool delayed work that
    // tests wait for (a stream's producer, a client's first send) by seconds. Enough threads from the start.
    let workers, ports = System.Threading.ThreadPool.GetMinThreads()
    System.Threading.ThreadPool.SetMinThreads(max workers 64, max ports 64) |> ignore
    let mutable counts = (0, 0)
    let mutable failures = []
    let printer =
        { TestPrinters.defaultPrinter with
            summary =
                fun config summary ->
                    async {
                        do! TestPrinters.defaultPrinter.summary config summary
                        counts <- (summary.passed.Length, summary.failed.Length + summary.errored.Length)
                        failures <-
                            [ for test, result in summary.failed @ summary.errored ->
                                  let name = String.concat " / " test.name
                                  let why =
                                      match result.result with
                                      | TestResult.Failed message -> message
                                      | TestResult.Error error -> string error
                                      | other -> string other
                                  let plain = System.Text.RegularExpressions.Regex.Replace(why, "\u001b\\[[0-9;]*m", "")
                                  let why = plain.Trim().Split('\n') |> Array.truncate 4 |> String.concat " | "
                                  $"FAILED {name}: {why}" ]
                    } }
    let code = Tests.runTestsInAssemblyWithCLIArgs [ CLIArguments.Printer printer; CLIArguments.No_Spinner ] argv
    let passed, failed = counts
    stdout.Flush()
    // Expecto pads what goes through Console.Out; the summary must be a clean line of its own.
    use rawOut = new System.IO.StreamWriter(System.Console.OpenStandardOutput())
    // CI keeps only the end of a long log: name what failed right above the summary.
    for failure in failures do
        rawOut.Write(failure + "\n")
    rawOut.Write(sprintf "\n%d passed, %d failed\n" passed failed)
    code
