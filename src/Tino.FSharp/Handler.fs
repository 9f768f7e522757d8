namespace Tino.FSharp

open System
open System.Collections.Immutable
open System.Linq.Expressions
open System.Reflection
open System.Threading
open System.Threading.Tasks
open Microsoft.FSharp.Reflection
open Tino

/// What the compiled invoker calls to turn an F# result into one the pipeline serves. Generic, closed once per
/// command when the app is built.
type internal ResultAdapters =
    static member Unwrap<'T, 'E>(result: Result<'T, 'E>) : 'T =
        match result with
        | Ok value -> value
        | Error error -> raise (ErrorReplies.Of<'E>.Convert error)

    static member UnwrapTask<'T, 'E>(pending: Task<Result<'T, 'E>>) : Task<'T> =
        if pending.IsCompletedSuccessfully then
            Task.FromResult(ResultAdapters.Unwrap pending.Result)
        else
            task {
                let! result = pending
                return ResultAdapters.Unwrap result
            }

    static member UnwrapValueTask<'T, 'E>(pending: ValueTask<Result<'T, 'E>>) : ValueTask<'T> =
        if pending.IsCompletedSuccessfully then
            ValueTask<'T>(ResultAdapters.Unwrap pending.Result)
        else
            ValueTask<'T>(ResultAdapters.UnwrapTask(pending.AsTask()))

    static member StartAsync<'T>(computation: Async<'T>, cancellation: CancellationToken) : Task<'T> =
        Async.StartImmediateAsTask(computation, cancellation)

    static member OfSeq<'T>(items: seq<'T>) : Collections.Generic.IAsyncEnumerable<'T> = Stream.ofSeq items

/// Turns a curried F# function into the `CommandHandler` record the pipeline compiles: one wire argument per
/// curried parameter, magic parameters by type, the result adapted to a value, nothing or a task.
module internal Handlers =

    let private isGeneric (definition: Type) (t: Type) = t.IsGenericType && t.GetGenericTypeDefinition() = definition

    let private isResult = isGeneric typedefof<Result<_, _>>

    /// The curried parameter types of a function type and what it returns after all of them.
    let rec curried (t: Type) : Type list * Type =
        if FSharpType.IsFunction t then
            let domain, range = FSharpType.GetFunctionElements t
            let rest, result = curried range
            domain :: rest, result
        else
            [], t

    /// Names the compiler makes up for parameters it had no name for.
    let private isGenerated (name: string) =
        String.IsNullOrEmpty name || name.Contains '@' || name.StartsWith "_arg" || name.StartsWith "unitVar" || name = "tupledArg"

    /// The widest `Invoke` a closure type declares: its parameters carry the lambda's or method's parameter names.
    let private widestInvoke (closureType: Type) : MethodInfo option =
        closureType.GetMethods(BindingFlags.Public ||| BindingFlags.Instance)
        |> Array.filter (fun m -> m.Name = "Invoke" && m.DeclaringType = closureType)
        |> Array.sortByDescending (fun m -> m.GetParameters().Length)
        |> Array.tryHead

    /// The closure type an `Invoke` returns when F# splits a function of more than five parameters: found as the
    /// `newobj` of a function type in its body (a heuristic; build time only, and any doubt gives nothing).
    let private nextClosure (invoke: MethodInfo) : Type option =
        try
            let body = (nonNull (invoke.GetMethodBody())).GetILAsByteArray() |> nonNull
            seq { 0 .. body.Length - 5 }
            |> Seq.filter (fun i -> body[i] = 0x73uy) // newobj <token>
            |> Seq.tryPick (fun i ->
                try
                    match invoke.Module.ResolveMethod(BitConverter.ToInt32(body, i + 1)) with
                    | :? ConstructorInfo as constructor when
                        FSharpType.IsFunction(nonNull constructor.DeclaringType) && constructor.DeclaringType <> invoke.DeclaringType ->
                        Some(nonNull constructor.DeclaringType)
                    | _ -> None
                with _ ->
                    None)
        with _ ->
            None

    /// The parameters behind a function value, as its compiled closures declare them: the widest `Invoke` of the
    /// value's class, then, past five, those of the closure that `Invoke` makes.
    let private invokeParameters (handler: obj) (arity: int) : ParameterInfo[] =
        let rec collect (closureType: Type) (wanted: int) =
            match widestInvoke closureType with
            | None -> []
            | Some invoke ->
                let parameters = List.ofArray (invoke.GetParameters())
                if parameters.Length >= wanted || parameters.IsEmpty then parameters
                else
                    match nextClosure invoke with
                    | Some next -> parameters @ collect next (wanted - parameters.Length)
                    | None -> parameters
        collect (handler.GetType()) arity |> Array.ofList

    let private acceptsNil (t: Type) (parameter: ParameterInfo option) =
        let nullAsValue =
            t.GetCustomAttributes(typeof<CompilationRepresentationAttribute>, false)
            |> Array.exists (fun a -> (a :?> CompilationRepresentationAttribute).Flags.HasFlag CompilationRepresentationFlags.UseNullAsTrueValue)
        let annotatedNullable () =
            match parameter with
            | Some p ->
                try NullabilityInfoContext().Create(p).ReadState = NullabilityState.Nullable
                with _ -> false
            | None -> false
        not t.IsValueType && (t = typeof<obj> || nullAsValue || isGeneric typedefof<option<_>> t || annotatedNullable ())

    /// Applies the function `target` to `arguments`, up to five at a time through `FSharpFunc.InvokeFast`, which
    /// calls a compiled closure of several parameters without making the partial applications in between.
    let rec private apply (target: Expression) (arguments: Expression list) : Expression =
        match arguments with
        | [] -> target
        | [ single ] -> Expression.Call(target, nonNull (target.Type.GetMethod "Invoke"), single)
        | first :: second :: _ ->
            let now, later = List.splitAt (min 5 arguments.Length) arguments
            let rec after (t: Type) n = if n = 0 then t else after (snd (FSharpType.GetFunctionElements t)) (n - 1)
            let owner = typedefof<FSharpFunc<_, _>>.MakeGenericType(first.Type, second.Type)
            let generics = (now |> List.skip 2 |> List.map _.Type) @ [ after target.Type now.Length ] |> Array.ofList
            let invokeFast =
                owner.GetMethods(BindingFlags.Public ||| BindingFlags.Static)
                |> Array.find (fun m -> m.Name = "InvokeFast" && m.GetParameters().Length = now.Length + 1)
            apply (Expression.Call(invokeFast.MakeGenericMethod generics, target :: now)) later

    let private adapter name (generics: Type[]) =
        (nonNull (typeof<ResultAdapters>.GetMethod(name, BindingFlags.Public ||| BindingFlags.NonPublic ||| BindingFlags.Static))).MakeGenericMethod generics

    /// Adapts the function's result to one the pipeline serves; may need the call's cancellation token.
    let rec private adapt (call: Expression) (cancellation: Lazy<Expression>) : Expression =
        let t = call.Type
        let unwrapInside name (inner: Type) =
            if isResult inner then Expression.Call(adapter name (inner.GetGenericArguments()), call) :> Expression else call
        if t = typeof<unit> then
            Expression.Block(typeof<Void>, call) :> Expression
        elif isResult t then
            Expression.Call(adapter "Unwrap" (t.GetGenericArguments()), call)
        elif isGeneric typedefof<Task<_>> t then
            unwrapInside "UnwrapTask" (t.GetGenericArguments()[0])
        elif isGeneric typedefof<ValueTask<_>> t then
            unwrapInside "UnwrapValueTask" (t.GetGenericArguments()[0])
        elif isGeneric typedefof<seq<_>> t then
            Expression.Call(adapter "OfSeq" (t.GetGenericArguments()), call)
        elif isGeneric typedefof<Async<_>> t then
            adapt (Expression.Call(adapter "StartAsync" (t.GetGenericArguments()), call, cancellation.Value)) cancellation
        else
            call

    /// The command `name` running the F# function `handler` of type `handlerType`, its parameters named as
    /// `described` declares them (from the function's compiled closures, where `None` or missing gives `arg<i>`).
    let private createDescribed (name: string) (handlerType: Type) (handler: obj) (described: ParameterInfo option[]) =
        if typeof<Delegate>.IsAssignableFrom handlerType then
            Ok(CommandHandler.Create(name, handler :?> Delegate))
        elif not (FSharpType.IsFunction handlerType) then
            Error $"the handler must be a function, not a {handlerType.Name}."
        else
            let parameterTypes, _ = curried handlerType
            let infoAt i = if i < described.Length then described[i] else None
            let nameAt i =
                match infoAt i with
                | Some info when not (isGenerated (string info.Name)) -> string info.Name
                | _ -> $"arg{i}"
            let wire =
                parameterTypes
                |> List.mapi (fun i t ->
                    if t = typeof<unit> then
                        None, Expression.Constant(null, t) :> Expression
                    else
                        let p = Expression.Parameter(t, nameAt i)
                        Some(CommandParameter(nameAt i, t, AcceptsNil = acceptsNil t (infoAt i)), p), p :> Expression)
            let declared = wire |> List.choose fst
            let existingToken = declared |> List.tryFind (fun (_, p) -> p.Type = typeof<CancellationToken>)
            let hiddenToken = lazy (Expression.Parameter(typeof<CancellationToken>, "cancellation"))
            let token =
                lazy
                    (match existingToken with
                     | Some(_, p) -> p :> Expression
                     | None -> hiddenToken.Value :> Expression)
            try
                let body = adapt (apply (Expression.Constant(handler, handlerType)) (List.map snd wire)) token
                let parameters =
                    if hiddenToken.IsValueCreated then
                        declared @ [ CommandParameter("cancellation", typeof<CancellationToken>), hiddenToken.Value ]
                    else
                        declared
                let delegateType = Expression.GetDelegateType([| yield! parameters |> List.map (snd >> _.Type); body.Type |])
                let invoke = Expression.Lambda(delegateType, body, $"tino_{name}", parameters |> List.map snd).Compile()
                Ok(CommandHandler(name, parameters |> List.map fst |> ImmutableArray.CreateRange, body.Type, invoke))
            with error ->
                Error $"the handler cannot be bound: {error.Message}"

    /// The command `name` running the F# function `handler` of type `handlerType`.
    let create (name: string) (handlerType: Type) (handler: obj) : Result<CommandHandler, string> =
        let arity = if FSharpType.IsFunction handlerType then (fst (curried handlerType)).Length else 0
        createDescribed name handlerType handler (invokeParameters handler arity |> Array.map Some)

    /// The command `name` running `handler`, a `CallContext -> 'F` that gives a call's function, whose parameters are
    /// named after `sample`'s (that function as the implementation made it, when it could be made without a call).
    let createInContext (name: string) (handlerType: Type) (handler: obj) (sample: objnull) : Result<CommandHandler, string> =
        let _, functionType = FSharpType.GetFunctionElements handlerType
        let described =
            match sample with
            | null -> [||]
            | sample -> invokeParameters sample (fst (curried functionType)).Length |> Array.map Some
        createDescribed name handlerType handler (Array.append [| None |] described)
