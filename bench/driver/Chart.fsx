// A hand-written SVG chart: requests per second against pipeline depth (log2 axis), one line per server.
// Loaded by bench/driver.fsx after Model.
module Chart


open System
open System.Globalization
open System.Text
open Model

let private width, height = 720.0, 440.0
let private left, right, top, bottom = 90.0, 30.0, 50.0, 70.0
let private plotWidth, plotHeight = width - left - right, height - top - bottom

let private f (value: float) = value.ToString("0.##", CultureInfo.InvariantCulture)

/// A round step for about six gridlines up to `maximum`: 1, 2, 2.5 or 5 times a power of ten.
let niceStep (maximum: float) =
    let rough = maximum / 6.0
    let power = Math.Pow(10.0, Math.Floor(Math.Log10 rough))
    [ 1.0; 2.0; 2.5; 5.0; 10.0 ] |> List.map ((*) power) |> List.find (fun step -> step >= rough)

/// 1500000 -> "1.5M", 250000 -> "250k".
let shortNumber (value: float) =
    if value >= 1e6 then f (value / 1e6) + "M"
    elif value >= 1e3 then f (value / 1e3) + "k"
    else f value

let private text (out: StringBuilder) (x: float) (y: float) (anchor: string) (extra: string) (content: string) =
    out.Append($"""  <text x="{f x}" y="{f y}" text-anchor="{anchor}"{extra}>{content}</text>""").Append('\n') |> ignore

let private line (out: StringBuilder) (x1: float) (y1: float) (x2: float) (y2: float) (style: string) =
    out.Append($"""  <line x1="{f x1}" y1="{f y1}" x2="{f x2}" y2="{f y2}" {style}/>""").Append('\n') |> ignore

/// The chart of a sweep; `depths` are powers of two from 1.
let pipelineChart (title: string) (points: SweepPoint list) =
    let maxDepth = points |> List.map _.Depth |> List.max |> float
    let maxRate = points |> List.collect (fun (point: SweepPoint) -> [ point.Tino; point.Redis ]) |> List.max
    let step = niceStep maxRate
    let yMax = Math.Ceiling(maxRate / step) * step
    let x (depth: int) = left + plotWidth * Math.Log2(float depth) / Math.Log2 maxDepth
    let y (rate: float) = top + plotHeight * (1.0 - rate / yMax)
    let out = StringBuilder()
    out.Append($"""<svg xmlns="http://www.w3.org/2000/svg" width="{f width}" height="{f height}" viewBox="0 0 {f width} {f height}" font-family="sans-serif" font-size="13">""")
        .Append('\n')
        .Append($"""  <rect width="{f width}" height="{f height}" fill="white"/>""")
        .Append('\n') |> ignore
    text out (width / 2.0) 28.0 "middle" " font-size=\"16\"" title
    for i in 0 .. int (yMax / step) do
        let rate = float i * step
        line out left (y rate) (left + plotWidth) (y rate) "stroke=\"#dddddd\""
        text out (left - 8.0) (y rate + 4.0) "end" "" (shortNumber rate)
    for point in points do
        line out (x point.Depth) top (x point.Depth) (top + plotHeight) "stroke=\"#eeeeee\""
        text out (x point.Depth) (top + plotHeight + 20.0) "middle" "" (string point.Depth)
    line out left (top + plotHeight) (left + plotWidth) (top + plotHeight) "stroke=\"black\""
    line out left top left (top + plotHeight) "stroke=\"black\""
    text out (left + plotWidth / 2.0) (height - 18.0) "middle" "" "pipeline depth (redis-benchmark -P, log scale)"
    text out 20.0 (top + plotHeight / 2.0) "middle" $" transform=\"rotate(-90 20 {f (top + plotHeight / 2.0)})\"" "requests per second"
    let series = [ "Tino ADD", "#d9480f", (fun (point: SweepPoint) -> point.Tino); "redis-server GET", "#1c7ed6", (fun (point: SweepPoint) -> point.Redis) ]
    for index, (name, colour, rate) in List.indexed series do
        let coordinates = points |> List.map (fun point -> $"{f (x point.Depth)},{f (y (rate point))}")
        out.Append($"""  <polyline fill="none" stroke="{colour}" stroke-width="2.5" points="{String.Join(" ", coordinates)}"/>""")
            .Append('\n') |> ignore
        for point in points do
            out.Append($"""  <circle cx="{f (x point.Depth)}" cy="{f (y (rate point))}" r="4" fill="{colour}"/>""").Append('\n') |> ignore
        let legendY = top + 18.0 + 20.0 * float index
        line out (left + 16.0) legendY (left + 46.0) legendY $"stroke=\"{colour}\" stroke-width=\"2.5\""
        text out (left + 54.0) (legendY + 4.0) "start" "" name
    out.Append("</svg>\n").ToString()
