using System.Linq;
using System.Text;

namespace Tino.Generators;

/// <summary>
/// Writes a contract's proxy as a class, and the interceptor that makes it in place of <c>CreateProxy&lt;T&gt;()</c>:
/// each method builds its arguments with <c>TinoArg.From&lt;T&gt;</c> and calls the client as the emitted proxy of
/// <c>ClientProxyBuilder</c> does, without Reflection.Emit.
/// </summary>
internal static class ProxyWriter
{
    public static void Write(StringBuilder code, ProxySite site, int index)
    {
        code.Append($$"""
                    // {{site.Call.Display}}
                    [global::System.Runtime.CompilerServices.InterceptsLocation({{site.Call.Version}}, "{{site.Call.Data}}")]
                    public static {{site.Contract}} Proxy{{index}}(this global::Tino.Client.ITinoClient client)
                    {
                        global::System.ArgumentNullException.ThrowIfNull(client);
                        return new ProxyOf{{index}}(client);
                    }

                    private sealed class ProxyOf{{index}}(global::Tino.Client.ITinoClient client) : {{site.Contract}}
                    {

            """);
        for (var j = 0; j < site.Methods.Count; j++)
        {
            WriteMethod(code, site.Methods[j], j);
        }
        code.Append("""
                    }


            """);
    }

    private static void WriteMethod(StringBuilder code, ProxyMethod method, int index)
    {
        var name = method.CommandName is null ? $"global::Tino.CommandNameAttribute.ForMethod({Code.Literal(method.Name)})" : Code.Literal(method.CommandName);
        var declared = string.Join(", ", method.Parameters.Select(p => $"{p.Type} {p.Name}"));
        var token = method.Parameters.FirstOrDefault(p => p.IsToken)?.Name ?? "global::System.Threading.CancellationToken.None";
        var arguments = string.Join(", ", method.Parameters.Where(p => p.IsSent).Select(p => $"global::Tino.Client.TinoArg.From<{p.Type}>({p.Name})"));
        var call = method.Kind switch
        {
            ProxyResult.Task => $"client.CallAsync(s_command{index}, {token}, [{arguments}]).AsTask()",
            ProxyResult.ValueTask => $"client.CallAsync(s_command{index}, {token}, [{arguments}])",
            ProxyResult.TaskOf => $"client.CallAsync<{method.ResultType}>(s_command{index}, {token}, [{arguments}]).AsTask()",
            ProxyResult.ValueTaskOf => $"client.CallAsync<{method.ResultType}>(s_command{index}, {token}, [{arguments}])",
            _ => $"client.StreamAsync<{method.ResultType}>(s_command{index}, {token}, [{arguments}])",
        };
        code.Append($$"""
                        private static readonly string s_command{{index}} = {{name}};

                        {{method.ReturnType}} {{method.Interface}}.{{Code.Identifier(method.Name)}}({{declared}}) =>
                            {{call}};


            """);
    }
}
