open System.Threading.Tasks
open Tino
open Tino.FSharp

type MathError = | DivideByZero

/// The contract: a record of functions holding only what travels on the wire. The server implements it; the client
/// gets it back as a proxy. An operation that can fail says so with `Result`.
type MathApi =
    { add: int -> int -> Task<int64>
      divide: float -> float -> Async<Result<float, MathError>>
      whoami: unit -> Task<string> }

/// The implementation, made for each call from its context: auth, connection state, cancellation, the publisher.
let mathApi (call: CallContext) =
    { add = fun a b -> Task.FromResult(int64 a + int64 b)
      divide = fun a b -> async { return if b = 0.0 then Error DivideByZero else Ok(a / b) }
      whoami = fun () -> Task.FromResult(call.RequireAuth<string>()) }

let app = tino {
    auth (fun password -> if password = "secret" then Some "tina" else None)
    implement_with mathApi
}

task {
    use! server = Tino.start "127.0.0.1" 0 app    // a free port (any Tino server, in any process, will do)
    use! client = Client.connect $"redis://:secret@127.0.0.1:{(nonNull server.LocalEndPoint).Port}"

    // Untyped: a command's name and its arguments.
    let! three = Client.call<int64> client "add" [ arg 1; arg 2 ]

    // Typed: the same record, whose functions call the server.
    let math = Client.proxy<MathApi> client
    let! seven = math.add 3 4
    let! half = math.divide 1.0 2.0                 // Ok 0.5
    let! byZero = math.divide 1.0 0.0               // Error DivideByZero: the server's Error, typed
    let! user = math.whoami ()
    printfn "%d %d %A %A %s" three seven half byZero user    // 3 7 Ok 0.5 Error DivideByZero tina

    try
        let! _ = Client.call<int64> client "add" [ arg "one"; arg 2 ]
        ()
    with :? Tino.Client.TinoArgumentException as error ->
        printfn "%s %s" error.Code (String.concat "." (Seq.map string error.Location))    // VALIDATION_ERROR command.a
}
|> _.Wait()
