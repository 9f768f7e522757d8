namespace Tino.FSharp

open System
open System.Collections.Immutable
open System.Threading
open System.Threading.Tasks
open Tino

/// Copies of C# records (`TinoOptions`, `TinoClientOptions`), for which F# cannot write `with`.
module internal CSharpRecord =

    /// A copy of `record` with one init-only property changed, through the record's own clone method.
    let withProperty (property: string) (value: objnull) (record: 'R) : 'R =
        let clone = nonNull (typeof<'R>.GetMethod("<Clone>$")) |> _.Invoke(record, [||]) |> nonNull |> unbox<'R>
        (nonNull (typeof<'R>.GetProperty property)).SetValue(clone, value)
        clone

/// <summary>
/// What a <c>tino { }</c> expression has declared so far. Immutable: each operation returns a new one, and the
/// builder's <c>Run</c> checks it and builds the <see cref="T:Tino.TinoApp"/>.
/// </summary>
[<NoComparison; NoEquality>]
type TinoSpec =
    { /// The commands, in the order declared: each described, or the reason it cannot be.
      Commands: (string * Result<CommandHandler, string>) list
      /// Every auth function declared (more than one is a mistake reported by `Run`).
      Auth: AuthHandler list
      /// Every state factory declared (more than one is a mistake reported by `Run`).
      State: ConnectionStateFactory list
      /// Start-up hooks, in order.
      OnStartup: Func<CancellationToken, Task> list
      /// Shut-down hooks, in order.
      OnShutdown: Func<CancellationToken, Task> list
      /// Middleware, outermost first.
      Middleware: CommandMiddleware list
      /// One-line descriptions given with `describe`, by command name.
      Descriptions: (string * string) list
      /// The commands marked with `idempotent`, by name.
      Idempotent: string list
      /// Wire options and limits.
      Options: TinoOptions }

/// Functions over `TinoSpec`.
[<RequireQualifiedAccess>]
module TinoSpec =

    /// Nothing declared: no commands, default options.
    let empty =
        { Commands = []
          Auth = []
          State = []
          OnStartup = []
          OnShutdown = []
          Middleware = []
          Descriptions = []
          Idempotent = []
          Options = TinoOptions.Default }

    /// A copy of `options` with one property changed, once per operation when the app is declared.
    let internal withOption (property: string) (value: objnull) (options: TinoOptions) : TinoOptions =
        CSharpRecord.withProperty property value options

    let private refuse (command: string | null) (message: string) = raise (TinoBuildException(command, message))

    /// <summary>Checks `spec` and builds the app, with F# types on the wire unless the options name a serializer.</summary>
    /// <exception cref="T:Tino.TinoBuildException">A mistake, naming the command at fault.</exception>
    let build (spec: TinoSpec) : TinoApp =
        if spec.Auth.Length > 1 then refuse null "auth is declared more than once."
        if spec.State.Length > 1 then refuse null "state is declared more than once."
        let commands =
            spec.Commands
            |> List.map (fun (name, described) ->
                match described with
                | Ok handler -> handler
                | Error reason -> refuse name reason)
        let declared name = commands |> List.exists (fun c -> String.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase))
        for name, _ in spec.Descriptions do
            if not (declared name) then refuse name "describe names a command that is not declared."
        for name in spec.Idempotent do
            if not (declared name) then refuse name "idempotent names a command that is not declared."
        let commands =
            commands
            |> List.map (fun command ->
                match spec.Descriptions |> List.tryFindBack (fun (name, _) -> String.Equals(name, command.Name, StringComparison.OrdinalIgnoreCase)) with
                | Some(_, description) -> CSharpRecord.withProperty (nameof command.Description) description command
                | None -> command)
            |> List.map (fun command ->
                if spec.Idempotent |> List.exists (fun name -> String.Equals(name, command.Name, StringComparison.OrdinalIgnoreCase)) then
                    CSharpRecord.withProperty (nameof command.IsIdempotent) true command
                else
                    command)
        let options =
            match spec.Options.SerializerOptions with
            | null when spec.Options.MaxNestingDepth >= 1 && spec.Options.MaxNestingDepth <= Tino.Serialization.TinoMessagePack.MaxSupportedDepth ->
                let serializer = Tino.FSharp.Serialization.FSharpMessagePack.createOptions spec.Options.MaxNestingDepth
                withOption (nameof spec.Options.SerializerOptions) serializer spec.Options
            | _ -> spec.Options
        let app =
            TinoApp(
                Commands = ImmutableArray.CreateRange commands,
                Auth = (List.tryHead spec.Auth |> Option.toObj),
                State = (List.tryHead spec.State |> Option.toObj),
                OnStartup = ImmutableArray.CreateRange spec.OnStartup,
                OnShutdown = ImmutableArray.CreateRange spec.OnShutdown,
                Middleware = ImmutableArray.CreateRange spec.Middleware,
                Options = options
            )
        app.Validate()
        app
