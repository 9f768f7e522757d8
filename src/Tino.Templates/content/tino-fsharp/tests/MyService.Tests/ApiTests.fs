/// Each command, called over the wire, answers as its function does when called here, for arguments FsCheck draws:
/// values are compared, errors by their codes.
module MyService.Tests.ApiTests

open Expecto
open Tino
open MyService

[<Tests>]
let overTheWire =
    testList "over the wire" [
        testProperty "add is addition" (Testing.overTheWire Api.app "add" (fun (a: int) (b: int) -> int64 a + int64 b))
        testProperty "greet greets by name" (Testing.overTheWire Api.app "greet" Api.greet)
        testProperty "total sums the lines, or replies the error's code" (Testing.overTheWire Api.app "total" Api.total)
    ]
