// What a call context costs: the Tino client's add(1, 2) without one, with the default client's (timeout_ms only) and
// with a full one (timeout_ms, a traceparent and two metadata entries), ClientLoad --context against the same Tino
// server, alternated in rounds. Loaded by bench/driver.fsx after Payloads.
module CallContext


open Model
open Measurements

let private title = "TinoClient ADD: call context off vs timeout vs full"

/// ClientLoad's --context values, in the order each round runs them, with their columns' headings.
let private contexts =
    [ "none", "context off"
      "timeout", "timeout_ms (the default)"
      "full", "timeout_ms, traceparent, metadata" ]

let private description (settings: Settings) =
    [ $"ClientLoad's Tino target as in the comparisons above ({settings.Clients} callers, add(1, 2), one connection, the"
      "same server), with `--context`: `none` turns `TinoClientOptions.SendCallContext` off, so each call is a plain"
      "`ADD 1 2`; `timeout` is the default client, whose calls carry `timeout_ms` (its 30 s `CallTimeout`); `full` adds"
      "the W3C `traceparent` of the trace the callers run in (an `Activity` current around the run, no listener) and"
      "two metadata entries (`tenant=acme`, `caller=bench`). No call has a cancellable token, so none sends an `id`."
      "The ratio is calls/s without a context over calls/s with the column's (the median of the rounds' ratios):"
      "1.00 when the context costs nothing, 1.05 when it takes about 5 % of the calls a second." ]

/// ClientLoad --context with each context against Tino, alternated in rounds.
let measure (settings: Settings) (tinoPort: int) : PayloadGroup =
    let runs = contexts |> List.map (fun (context, _) -> [ "--context"; context ])
    let measures = runs |> List.map (fun extra () -> clientLoad settings "tino" tinoPort extra)
    { Title = title
      Description = description settings
      RowHeading = "call"
      Tino = snd contexts.Head
      Others = contexts.Tail |> List.map snd
      Remark = None
      Unit = "calls/s"
      Figures =
        [ { Row = "add(1, 2)"
            Load = $"{settings.Clients} callers"
            Commands = runs |> List.map (clientLoadShown settings "tino" tinoPort)
            Outcome = attempt title (fun () -> Payloads.rounds settings title measures) } ] }
