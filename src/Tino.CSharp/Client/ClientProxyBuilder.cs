using System.Diagnostics.CodeAnalysis;
using System.Linq.Expressions;
using System.Reflection;
using System.Reflection.Emit;
using Tino.Client;

namespace Tino.Client;

/// <summary>
/// Emits the class of a contract's proxy: a sealed class implementing the interface, holding the client, with one static
/// field per method for the typed call <see cref="ProxyCalls"/> made for it. A method's body is, in C#:
/// <c>s_call3(_client, cancellationToken /* or CancellationToken.None */, [TinoArg.From&lt;int&gt;(a), TinoArg.From&lt;Note&gt;(b)])</c>.
/// </summary>
[RequiresUnreferencedCode(ReflectionBinding.Proxies)]
[RequiresDynamicCode(ReflectionBinding.Proxies)]
internal static class ClientProxyBuilder
{
    private static readonly Lock s_gate = new();
    private static readonly AssemblyBuilder s_assembly = AssemblyBuilder.DefineDynamicAssembly(new AssemblyName("Tino.Proxies"), AssemblyBuilderAccess.Run);
    private static readonly ModuleBuilder s_module = s_assembly.DefineDynamicModule("Tino.Proxies");
    private static readonly HashSet<string> s_accessible = [];
    private static readonly MethodInfo s_from = typeof(TinoArg).GetMethod(nameof(TinoArg.From))!;
    private static readonly MethodInfo s_none = typeof(CancellationToken).GetProperty(nameof(CancellationToken.None))!.GetMethod!;
    private static readonly MethodInfo s_noArguments = typeof(Array).GetMethod(nameof(Array.Empty))!.MakeGenericMethod(typeof(TinoArg));
    private static ConstructorInfo? s_ignoresAccessChecks;
    private static int s_count;

    /// <summary>How one method calls: its command, the typed call, which parameters are sent and which one is the token.</summary>
    private sealed record Plan(MethodInfo Method, Delegate Call, ParameterInfo[] Sent, ParameterInfo? Token);

    /// <summary>Makes the proxy class of <typeparamref name="TContract"/> and returns its constructor as a delegate.</summary>
    public static Func<ITinoClient, TContract> Build<TContract>()
        where TContract : class
    {
        var contract = typeof(TContract);
        if (!contract.IsInterface)
        {
            throw new TinoBuildException(null, $"CreateProxy makes proxies of interfaces; {contract.Name} is not an interface.");
        }
        var plans = ServiceContract.Methods(contract).Select(PlanOf).ToArray();
        Type created;
        lock (s_gate)
        {
            created = Emit(contract, plans);
        }
        for (var i = 0; i < plans.Length; i++)
        {
            created.GetField(CallField(i))!.SetValue(null, plans[i].Call);
        }
        var client = Expression.Parameter(typeof(ITinoClient), "client");
        var construct = Expression.New(created.GetConstructor([typeof(ITinoClient)])!, client);
        return Expression.Lambda<Func<ITinoClient, TContract>>(construct, client).Compile();
    }

    private static Plan PlanOf(MethodInfo method)
    {
        var command = ServiceContract.CommandName(method);
        var call = ProxyCalls.For(command, method.ReturnType)
            ?? throw new TinoBuildException(command, $"{method.DeclaringType?.Name}.{method.Name} returns {method.ReturnType.Name}; a proxy's methods return Task, Task<T>, ValueTask, ValueTask<T> or IAsyncEnumerable<T>.");
        var parameters = method.GetParameters();
        if (parameters.FirstOrDefault(p => p.ParameterType.IsByRef || p.ParameterType.IsPointer) is { } byRef)
        {
            throw new TinoBuildException(command, $"{method.DeclaringType?.Name}.{method.Name}: '{byRef.Name}' is passed by reference or pointer; a proxy sends values.");
        }
        var sources = parameters.Select(p => new CommandParameter(p.Name ?? "", p.ParameterType).Source).ToArray();
        var sent = parameters.Where((_, i) => sources[i] == ParameterSource.Wire).ToArray();
        var token = parameters.Where((_, i) => sources[i] == ParameterSource.CancellationToken).FirstOrDefault();
        return new Plan(method, call, sent, token);
    }

    private static Type Emit(Type contract, Plan[] plans)
    {
        foreach (var plan in plans)
        {
            AllowAccessTo(plan.Method.ReturnType);
            foreach (var parameter in plan.Method.GetParameters())
            {
                AllowAccessTo(parameter.ParameterType);
            }
        }
        AllowAccessTo(contract);
        var type = s_module.DefineType(
            $"Tino.Proxies.{contract.Name}Proxy{++s_count}",
            TypeAttributes.Public | TypeAttributes.Sealed | TypeAttributes.Class,
            typeof(object),
            [contract]);
        var client = type.DefineField("_client", typeof(ITinoClient), FieldAttributes.Private | FieldAttributes.InitOnly);
        EmitConstructor(type, client);
        for (var i = 0; i < plans.Length; i++)
        {
            EmitMethod(type, client, i, plans[i]);
        }
        return type.CreateType();
    }

    private static void EmitConstructor(TypeBuilder type, FieldInfo client)
    {
        var constructor = type.DefineConstructor(MethodAttributes.Public, CallingConventions.Standard, [typeof(ITinoClient)]);
        constructor.DefineParameter(1, ParameterAttributes.None, "client");
        var il = constructor.GetILGenerator();
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Call, typeof(object).GetConstructor(Type.EmptyTypes)!);
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Ldarg_1);
        il.Emit(OpCodes.Stfld, client);
        il.Emit(OpCodes.Ret);
    }

    private static void EmitMethod(TypeBuilder type, FieldInfo client, int index, Plan plan)
    {
        var method = plan.Method;
        var parameters = method.GetParameters();
        var callType = plan.Call.GetType();
        var call = type.DefineField(CallField(index), callType, FieldAttributes.Public | FieldAttributes.Static);
        // An explicit implementation, named after its interface: two interfaces may declare methods of the same name.
        var body = type.DefineMethod(
            $"{method.DeclaringType!.FullName}.{method.Name}",
            MethodAttributes.Private | MethodAttributes.HideBySig | MethodAttributes.NewSlot | MethodAttributes.Virtual | MethodAttributes.Final,
            method.ReturnType,
            [.. parameters.Select(p => p.ParameterType)]);
        foreach (var parameter in parameters)
        {
            body.DefineParameter(parameter.Position + 1, ParameterAttributes.None, parameter.Name);
        }
        var il = body.GetILGenerator();
        il.Emit(OpCodes.Ldsfld, call);
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Ldfld, client);
        if (plan.Token is { } token)
        {
            il.Emit(OpCodes.Ldarg, (short)(token.Position + 1));
        }
        else
        {
            il.Emit(OpCodes.Call, s_none);
        }
        if (plan.Sent.Length == 0)
        {
            il.Emit(OpCodes.Call, s_noArguments);
        }
        else
        {
            il.Emit(OpCodes.Ldc_I4, plan.Sent.Length);
            il.Emit(OpCodes.Newarr, typeof(TinoArg));
            for (var i = 0; i < plan.Sent.Length; i++)
            {
                il.Emit(OpCodes.Dup);
                il.Emit(OpCodes.Ldc_I4, i);
                il.Emit(OpCodes.Ldarg, (short)(plan.Sent[i].Position + 1));
                il.Emit(OpCodes.Call, s_from.MakeGenericMethod(plan.Sent[i].ParameterType));
                il.Emit(OpCodes.Stelem, typeof(TinoArg));
            }
        }
        il.Emit(OpCodes.Callvirt, callType.GetMethod("Invoke")!);
        il.Emit(OpCodes.Ret);
        type.DefineMethodOverride(body, method);
    }

    private static string CallField(int index) => $"s_call{index}";

    /// <summary>
    /// Lets the proxies' assembly use the non-public types of <paramref name="type"/>'s assemblies (an internal contract,
    /// an internal record as a parameter), through the runtime's <c>IgnoresAccessChecksToAttribute</c>, as DispatchProxy does.
    /// </summary>
    private static void AllowAccessTo(Type type)
    {
        if (type.HasElementType)
        {
            AllowAccessTo(type.GetElementType()!);
            return;
        }
        foreach (var argument in type.IsGenericType ? type.GetGenericArguments() : [])
        {
            AllowAccessTo(argument);
        }
        var name = type.Assembly.GetName().Name;
        if (name is null || IsVisible(type) || !s_accessible.Add(name))
        {
            return;
        }
        s_ignoresAccessChecks ??= DefineIgnoresAccessChecks();
        s_assembly.SetCustomAttribute(new CustomAttributeBuilder(s_ignoresAccessChecks, [name]));
    }

    private static bool IsVisible(Type type) => type.IsGenericParameter || type.IsVisible;

    /// <summary>The attribute the runtime reads but does not ship: defined in the proxies' own assembly, by name.</summary>
    private static ConstructorInfo DefineIgnoresAccessChecks()
    {
        var attribute = s_module.DefineType(
            "System.Runtime.CompilerServices.IgnoresAccessChecksToAttribute",
            TypeAttributes.Public | TypeAttributes.Sealed | TypeAttributes.Class,
            typeof(Attribute));
        var constructor = attribute.DefineConstructor(MethodAttributes.Public, CallingConventions.Standard, [typeof(string)]);
        var il = constructor.GetILGenerator();
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Call, typeof(Attribute).GetConstructor(BindingFlags.NonPublic | BindingFlags.Instance, Type.EmptyTypes)!);
        il.Emit(OpCodes.Ret);
        attribute.SetCustomAttribute(new CustomAttributeBuilder(
            typeof(AttributeUsageAttribute).GetConstructor([typeof(AttributeTargets)])!,
            [AttributeTargets.Assembly],
            [typeof(AttributeUsageAttribute).GetProperty(nameof(AttributeUsageAttribute.AllowMultiple))!],
            [true]));
        return attribute.CreateType().GetConstructor([typeof(string)])!;
    }
}
