module Tino.Tests.Main

open Expecto
open Expecto.Impl

/// Runs every [<Tests>] in this assembly and ends with the plain line `N passed, N failed`.
[<EntryPoint>]
let main argv =
    let mutable counts = (0, 0)
    let printer =
        { TestPrinters.defaultPrinter with
            summary =
                fun config summary ->
                    async {
                        do! TestPrinters.defaultPrinter.summary config summary
                        counts <- (summary.passed.Length, summary.failed.Length + summary.errored.Length)
                    } }
    let code = Tests.runTestsInAssemblyWithCLIArgs [ CLIArguments.Printer printer; CLIArguments.No_Spinner ] argv
    let passed, failed = counts
    stdout.Flush()
    printfn "\n%d passed, %d failed" passed failed
    code
