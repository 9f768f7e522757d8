using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Linq.Expressions;
using System.Reflection;

namespace Tino;

/// <summary>
/// Wraps a handler so that some of its parameters are filled per call from a scope opened before the call and
/// disposed after it (a service scope, or an instance a factory made). The wrapped handler keeps the other
/// parameters, their records unchanged, so the core pipeline binds them as it would the original's; it returns a
/// <see cref="ValueTask"/> or <see cref="ValueTask{T}"/> that completes once the scope is disposed, or, for a stream
/// command, an <see cref="IAsyncEnumerable{T}"/> that disposes the scope when the stream ends.
/// </summary>
[RequiresUnreferencedCode(ReflectionBinding.Handlers)]
[RequiresDynamicCode(ReflectionBinding.Handlers)]
internal static class PerCallHandler
{
    /// <param name="handler">The described handler.</param>
    /// <param name="open">Opens the call's scope.</param>
    /// <param name="resolve">Given the scope and a parameter's position, the expression that fills it, or null to keep the parameter.</param>
    public static CommandHandler Wrap<TScope>(CommandHandler handler, Func<TScope> open, Func<Expression, int, Expression?> resolve)
        where TScope : IAsyncDisposable
    {
        // The call runs in a delegate compiled on its own, given the scope and the wire arguments as an array: a lambda
        // nested in the wrapper would be made anew on every call.
        var scope = Expression.Parameter(typeof(TScope), "scope");
        var state = Expression.Parameter(typeof(object?[]), "arguments");
        var kept = ImmutableArray.CreateBuilder<CommandParameter>();
        var outer = new List<ParameterExpression>();
        var arguments = new Expression[handler.Parameters.Length];
        for (var i = 0; i < arguments.Length; i++)
        {
            var parameter = handler.Parameters[i];
            if (resolve(scope, i) is { } fromScope)
            {
                arguments[i] = fromScope;
                continue;
            }
            arguments[i] = Expression.Convert(Expression.ArrayIndex(state, Expression.Constant(outer.Count)), parameter.Type);
            outer.Add(Expression.Parameter(parameter.Type, parameter.Name));
            kept.Add(parameter);
        }

        Expression invoke = Expression.Invoke(Expression.Constant(handler.Invoke), arguments);
        var resultType = handler.ResultType;
        var streamItem = handler.StreamItemType;
        if (streamItem is not null && !StreamIsTask(resultType))
        {
            resultType = typeof(IAsyncEnumerable<>).MakeGenericType(streamItem);
            invoke = Expression.Convert(invoke, resultType);
        }
        var (call, replyType) = AsValueTask(invoke, resultType);
        var inner = Expression.Lambda(Expression.GetFuncType(typeof(TScope), typeof(object?[]), call.Type), call, scope, state).Compile();
        var packed = Expression.NewArrayInit(typeof(object), outer.Select(p => Expression.Convert(p, typeof(object))));
        // A stream keeps its scope until the stream ends, not just until the handler returns it.
        var run = streamItem is not null ? Helper(nameof(PerCall.Stream), typeof(TScope), typeof(object?[]), streamItem)
            : replyType is null ? Helper(nameof(PerCall.Run), typeof(TScope), typeof(object?[]))
            : Helper(nameof(PerCall.RunOf), typeof(TScope), typeof(object?[]), replyType);
        Expression[] runArguments = [Expression.Constant(open), packed, Expression.Constant(inner)];
        var body = Expression.Call(run, streamItem is null ? runArguments : [.. runArguments, Expression.Constant(default(CancellationToken))]);
        var delegateType = Expression.GetDelegateType([.. outer.Select(p => p.Type), body.Type]);
        var wrapped = Expression.Lambda(delegateType, body, $"tino_{handler.Name}", outer).Compile();
        return handler with { Parameters = kept.ToImmutable(), ResultType = body.Type, Invoke = wrapped };
    }

    /// <summary>The call as a <see cref="ValueTask"/> or <see cref="ValueTask{T}"/>, and the reply type (null for none).</summary>
    private static (Expression Call, Type? ReplyType) AsValueTask(Expression call, Type resultType)
    {
        if (resultType == typeof(void))
        {
            return (Expression.Block(call, Expression.Default(typeof(ValueTask))), null);
        }
        if (resultType == typeof(ValueTask))
        {
            return (call, null);
        }
        if (resultType == typeof(Task))
        {
            return (Expression.New(typeof(ValueTask).GetConstructor([typeof(Task)])!, call), null);
        }
        var reply = resultType.IsGenericType && (resultType.GetGenericTypeDefinition() == typeof(Task<>) || resultType.GetGenericTypeDefinition() == typeof(ValueTask<>))
            ? resultType.GetGenericArguments()[0]
            : resultType;
        var valueTask = typeof(ValueTask<>).MakeGenericType(reply);
        return resultType == valueTask ? (call, reply) : (Expression.New(valueTask.GetConstructor([resultType])!, call), reply);
    }

    private static bool StreamIsTask(Type resultType) =>
        resultType.IsGenericType && (resultType.GetGenericTypeDefinition() == typeof(Task<>) || resultType.GetGenericTypeDefinition() == typeof(ValueTask<>));

    private static MethodInfo Helper(string name, params Type[] arguments) =>
        typeof(PerCall).GetMethod(name, BindingFlags.Public | BindingFlags.Static)!.MakeGenericMethod(arguments);
}
