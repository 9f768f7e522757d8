using System.Diagnostics.CodeAnalysis;
using System.Linq.Expressions;
using System.Reflection;
using System.Reflection.Emit;
using MessagePack;
using Tino.Serialization;

namespace Tino.Pipeline;

/// <summary>
/// Compiles a handler into the pipeline's last stage: read the decoded arguments and magic values,
/// call the delegate, write its result. Reflection happens here, once per command, never per call.
/// </summary>
[RequiresUnreferencedCode(ReflectionBinding.Handlers)]
[RequiresDynamicCode(ReflectionBinding.Handlers)]
internal static class HandlerBinder
{
    private static readonly ConstructorInfo s_callContext =
        typeof(CallContext).GetConstructor(BindingFlags.NonPublic | BindingFlags.Instance, [typeof(CommandContext), typeof(Publisher)])!;

    public static CommandDelegate Compile(CommandHandler handler, Publisher publisher, StreamOptions streams, MessagePackSerializerOptions serializer)
    {
        var context = Expression.Parameter(typeof(CommandContext), "context");
        var frame = Expression.Property(context, nameof(CommandContext.Frame));
        var wirePosition = 0;
        var arguments = handler.Parameters.Select(parameter => parameter.Source switch
        {
            ParameterSource.Wire => Expression.Call(frame, Generic(typeof(ArgumentFrame), nameof(ArgumentFrame.Get), parameter.Type), Expression.Constant(wirePosition++)),
            ParameterSource.CancellationToken => (Expression)Expression.Property(context, nameof(CommandContext.CancellationToken)),
            ParameterSource.AuthRequired => Magic(nameof(MagicValues.AuthRequired), parameter, context),
            ParameterSource.Auth => Magic(nameof(MagicValues.Auth), parameter, context),
            ParameterSource.Publisher => Expression.Constant(publisher),
            ParameterSource.CallContext => Expression.New(s_callContext, context, Expression.Constant(publisher)),
            _ => Magic(nameof(MagicValues.ConnState), parameter, context),
        }).ToArray();

        var call = CallHandler(handler.Invoke, arguments);
        var body = StreamReplies.Bind(context, call, handler.ResultType, streams) ?? WriteResult(context, call, handler.ResultType, serializer);
        return Expression.Lambda<CommandDelegate>(body, $"tino_{handler.Name}", [context]).Compile();
    }

    /// <summary>
    /// Calls the handler's method itself when the delegate is a plain one (one static method, or one instance method of
    /// a class on its target, with the delegate's very signature), saving the delegate's indirection; invokes the
    /// delegate otherwise (several targets, a static method closed over its first argument, a struct's method,
    /// a dynamic method, a signature matched by variance).
    /// </summary>
    private static Expression CallHandler(Delegate handler, Expression[] arguments)
    {
        var method = handler.Method;
        var target = handler.Target;
        var declared = handler.GetType().GetMethod("Invoke")!;
        var direct = handler.HasSingleTarget
            && method is not DynamicMethod
            && method.DeclaringType is { IsValueType: false } owner
            && (method.IsStatic ? target is null : owner.IsInstanceOfType(target))
            && method.ReturnType == declared.ReturnType
            && method.GetParameters().Select(p => p.ParameterType).SequenceEqual(declared.GetParameters().Select(p => p.ParameterType));
        if (!direct)
        {
            return Expression.Invoke(Expression.Constant(handler), arguments);
        }
        return method.IsStatic
            ? Expression.Call(method, arguments)
            : Expression.Call(Expression.Constant(target, method.DeclaringType!), method, arguments);
    }

    private static Expression WriteResult(ParameterExpression context, Expression call, Type resultType, MessagePackSerializerOptions serializer)
    {
        if (resultType == typeof(void))
        {
            return Expression.Block(call, Expression.Call(Writer(nameof(ResultWriter.Nil)), context));
        }
        if (resultType == typeof(Task))
        {
            return Expression.Call(Writer(nameof(ResultWriter.Task)), context, call);
        }
        if (resultType == typeof(ValueTask))
        {
            return Expression.Call(Writer(nameof(ResultWriter.ValueTask)), context, call);
        }
        var replyType = StreamShape.ReplyType(resultType);
        var format = Expression.Constant(typeof(PrimitiveCodec).GetMethod(nameof(PrimitiveCodec.FormatOf))!.MakeGenericMethod(replyType).Invoke(null, [serializer]));
        var writer = replyType == resultType ? nameof(ResultWriter.Value)
            : resultType.GetGenericTypeDefinition() == typeof(Task<>) ? nameof(ResultWriter.TaskOf)
            : nameof(ResultWriter.ValueTaskOf);
        return Expression.Call(Generic(typeof(ResultWriter), writer, replyType), context, call, format);
    }

    private static MethodCallExpression Magic(string name, CommandParameter parameter, ParameterExpression context) =>
        Expression.Call(Generic(typeof(MagicValues), name, parameter.ValueType), context);

    private static MethodInfo Writer(string name) => typeof(ResultWriter).GetMethod(name, BindingFlags.Public | BindingFlags.Static)!;

    private static MethodInfo Generic(Type owner, string name, Type argument) =>
        owner.GetMethod(name, BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance)!.MakeGenericMethod(argument);
}
