using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace Tino.Generators;

/// <summary>
/// Writes the interceptors of the handlers served with a scope per call, as <c>PerCallHandler.Wrap</c> serves them by
/// reflection: a <c>Command</c> whose handler takes <c>[FromServices]</c> parameters, resolved from a fresh scope of the
/// container; <c>MapService&lt;T&gt;()</c>, whose instance the scope resolves; and <c>MapService&lt;T&gt;(factory)</c>,
/// whose instance the call owns. Each record is the one reflection would make (<see cref="HandlerShape.PerCall"/>),
/// described when the app is built, once its container is known, and its call runs through <c>Tino.PerCall</c>,
/// which disposes the scope when the call, or its stream, ends.
/// </summary>
internal static class PerCallWriter
{
    /// <summary>The method a <c>Command</c> call whose handler takes services runs instead.</summary>
    public static void WriteCommandInterceptor(StringBuilder code, CommandSite site, int index)
    {
        var handler = site.Handler;
        var services = handler.Parameters.Where(p => p.Kind == ParameterKind.Service).ToList();
        var required = string.Concat(services.Where(p => !p.AcceptsNil).Select(p =>
            $"\n                services.Require(name, {Code.Literal(p.Name)}, typeof({p.TypeOf}), {Code.Bool(p.ServiceKey is not null)}, {p.ServiceKey ?? "null"});"));
        // The state carries the handler and the call's arguments to the static lambda that runs in the scope.
        var carried = new List<string> { "typed" };
        var arguments = new List<string>();
        for (var i = 0; i < handler.Parameters.Count; i++)
        {
            if (handler.Parameters[i].Kind == ParameterKind.Service)
            {
                arguments.Add(Resolve(handler.Parameters[i]));
                continue;
            }
            carried.Add($"p{i}");
            arguments.Add($"state.Item{carried.Count}");
        }
        var invoke = Invoke(handler, carried, $"state.Item1({string.Join(", ", arguments)})");
        var description = handler.Description is null ? "description" : $"description ?? {Code.Literal(handler.Description)}";
        code.Append($$"""
                    // {{site.Call.Display}}
                    [global::System.Runtime.CompilerServices.InterceptsLocation({{site.Call.Version}}, "{{site.Call.Data}}")]
                    public static global::Tino.TinoAppBuilder Command{{index}}(this global::Tino.TinoAppBuilder builder, string name, global::System.Delegate handler, string? description)
                    {
                        var typed = ({{handler.DelegateType}})handler;
                        return builder.Commands(services =>
                        {{{required}}
                            var open = services.Scopes(name);
                            return [services.Bind({{CommandGenerator.HandlerRecord(handler.PerCall(), "name", invoke, description, $"Bind{index}")}}, handler)];
                        });
                    }


            """);
    }

    /// <summary>The method a <c>MapService&lt;T&gt;()</c> or <c>MapService&lt;T&gt;(factory)</c> call runs instead.</summary>
    public static void WriteServiceInterceptor(StringBuilder code, ServiceSite site, int index)
    {
        var instance = site.Mode == ServiceMode.Container ? $"{Types.Services}.GetRequiredService<{site.Contract}>(scope.ServiceProvider)" : "scope.Value";
        var commands = string.Join(",", site.Methods.Select((method, j) =>
        {
            var carried = method.Handler.Parameters.Select((_, i) => $"p{i}").ToList();
            var call = $"{instance}.{Code.Identifier(method.Name)}({string.Join(", ", carried.Select((_, i) => $"state.Item{i + 1}"))})";
            var description = method.Handler.Description is null ? "null" : Code.Literal(method.Handler.Description);
            return $"\n                {CommandGenerator.HandlerRecord(method.Handler.PerCall(), CommandGenerator.CommandName(method), Invoke(method.Handler, carried, call), description, $"BindService{index}_{j}")}";
        }));
        var first = site.Methods.Count > 0 ? CommandGenerator.CommandName(site.Methods[0]) : Code.Literal(site.Contract.Split('.').Last());
        var body = site.Mode == ServiceMode.Container
            ? $$"""
                        return builder.Commands(services =>
                        {
                            var first = {{first}};
                            services.RequireContract(first, typeof({{site.Contract}}));
                            var open = services.Scopes(first);
                            return [{{commands}}];
                        });
            """
            : $$"""
                        global::System.ArgumentNullException.ThrowIfNull(factory);
                        global::System.Func<global::Tino.Owned<{{site.Contract}}>> open = () => new global::Tino.Owned<{{site.Contract}}>(factory());
                        return builder.Commands(_ => [{{commands}}]);
            """;
        var parameter = site.Mode == ServiceMode.Container ? "" : $", global::System.Func<{site.Contract}> factory";
        code.Append($$"""
                    // {{site.Call.Display}}
                    [global::System.Runtime.CompilerServices.InterceptsLocation({{site.Call.Version}}, "{{site.Call.Data}}")]
                    public static global::Tino.TinoAppBuilder Service{{index}}(this global::Tino.TinoAppBuilder builder{{parameter}})
                    {
            {{body}}
                    }


            """);
    }

    /// <summary>A service parameter's value, from the call's scope.</summary>
    private static string Resolve(HandlerParameter service) => (service.ServiceKey, service.AcceptsNil) switch
    {
        (null, false) => $"{Types.Services}.GetRequiredService<{service.TypeOf}>(scope.ServiceProvider)",
        (null, true) => $"{Types.Services}.GetService<{service.TypeOf}>(scope.ServiceProvider)",
        ({ } key, false) => $"{Types.KeyedServices}.GetRequiredKeyedService<{service.TypeOf}>(scope.ServiceProvider, {key})",
        ({ } key, true) => $"{Types.KeyedServices}.GetKeyedService<{service.TypeOf}>(scope.ServiceProvider, {key})",
    };

    /// <summary>
    /// The served delegate: the handler's wire and magic parameters (<c>p0</c>, <c>p1</c>... by position), which pass
    /// what <paramref name="carried"/> names to <paramref name="call"/> as its <c>state</c>, a tuple; the call runs in
    /// the scope <c>open</c> makes, in a static lambda (made once, not per call), its result made the
    /// <c>ValueTask</c> or stream that <c>Tino.PerCall</c> takes.
    /// </summary>
    private static string Invoke(HandlerShape handler, List<string> carried, string call)
    {
        var parameters = string.Join(", ", handler.Parameters.Select((p, i) => (p, i)).Where(x => x.p.Kind != ParameterKind.Service).Select(x => $"{x.p.Declared} p{x.i}"));
        var state = carried.Count switch
        {
            0 => "default(global::System.ValueTuple)",
            1 => $"global::System.ValueTuple.Create({carried[0]})",
            _ => $"({string.Join(", ", carried)})",
        };
        var returnsValueTask = handler.ResultTypeOf.StartsWith(Types.ValueTask, System.StringComparison.Ordinal);
        var scoped = handler.Kind switch
        {
            ResultKind.Void => $"Run(open, {state}, static (scope, state) => {{ {call}; return default; }})",
            ResultKind.Task => $"Run(open, {state}, static (scope, state) => {(returnsValueTask ? call : $"new {Types.ValueTask}({call})")})",
            ResultKind.Value => $"RunOf(open, {state}, static (scope, state) => {(returnsValueTask ? call : $"new {Types.ValueTask}<{handler.ReplyType}>({call})")})",
            _ => $"Stream(open, {state}, static (scope, state) => {(returnsValueTask ? call : $"new {Types.ValueTask}<{Types.AsyncEnumerable}<{handler.ReplyType}>>({call})")})",
        };
        return $"({handler.PerCall().DelegateType})(({parameters}) => global::Tino.PerCall.{scoped})";
    }
}
