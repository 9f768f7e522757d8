open System.Threading.Tasks
open Tino
open Tino.FSharp

/// The contract: a record of functions. The server implements it; the client gets it back as a proxy.
type MathApi =
    { add: int -> int -> Task<int64>
      half: float -> Async<float>
      whoami: AuthRequired<string> -> Task<string> }

let mathApi =
    { add = fun a b -> Task.FromResult(int64 a + int64 b)
      half = fun x -> async { return x / 2.0 }
      whoami = fun auth -> Task.FromResult auth.Value }

let app = tino {
    auth (fun password -> if password = "secret" then Some "tina" else None)
    implement mathApi
}

task {
    use! server = Tino.start "127.0.0.1" 0 app    // a free port (any Tino server, in any process, will do)
    use! client = Client.connect $"redis://:secret@127.0.0.1:{(nonNull server.LocalEndPoint).Port}"

    // Untyped: a command's name and its arguments.
    let! three = Client.call<int64> client "add" [ arg 1; arg 2 ]

    // Typed: the same record, whose functions call the server.
    let math = Client.proxy<MathApi> client
    let! seven = math.add 3 4
    let! half = math.half 1.0
    let! user = math.whoami (AuthRequired "")    // filled by the server: not sent
    printfn "%d %d %g %s" three seven half user    // 3 7 0.5 tina

    try
        let! _ = Client.call<int64> client "add" [ arg "one"; arg 2 ]
        ()
    with :? Tino.Client.TinoArgumentException as error ->
        printfn "%s %s" error.Code (String.concat "." (Seq.map string error.Location))    // VALIDATION_ERROR command.a
}
|> _.Wait()
