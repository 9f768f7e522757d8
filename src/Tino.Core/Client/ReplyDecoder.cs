using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using MessagePack;
using Tino.Protocol;

namespace Tino.Client;

/// <summary>
/// How a call's reply becomes a <typeparamref name="T"/>, worked out once per type: the MessagePack of the value, or, for
/// an F# <c>Result&lt;'T, 'E&gt;</c>, <c>Ok</c> of the value and <c>Error</c> of the typed error value that came with an
/// error reply (the server unwraps a handler's <c>Result</c> the same way).
/// </summary>
internal static class ReplyDecoder<T>
{
    public static readonly Func<RespReply, MessagePackSerializerOptions, T> Decode;

    /// <summary>Decodes a bulk string reply where it lies in the receive buffer, with no copy; null where the whole reply is needed.</summary>
    public static readonly BulkDecoder<T>? DecodeBulk;

    /// <summary>Turns an error reply into a value of <typeparamref name="T"/>, or rethrows it; null where no error can be a value.</summary>
    public static readonly Func<TinoRemoteException, MessagePackSerializerOptions, T>? DecodeError;

    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "F# Result types: the F# front, which does not run under Native AOT.")]
    static ReplyDecoder()
    {
        if (FSharpResults.IsResult(typeof(T)))
        {
            var decoder = (IResultDecoder<T>)Activator.CreateInstance(
                typeof(FSharpResultDecoder<,,>).MakeGenericType([typeof(T), .. typeof(T).GetGenericArguments()]))!;
            Decode = decoder.Decode;
            DecodeError = decoder.DecodeError;
        }
        else
        {
            Decode = static (reply, options) => MessagePackSerializer.Deserialize<T>(ReplyValues.Of(reply), options);
            DecodeBulk = static (in ReadOnlySequence<byte> bytes, MessagePackSerializerOptions options) => MessagePackSerializer.Deserialize<T>(bytes, options);
        }
    }
}

/// <summary>The MessagePack of replies that carry values.</summary>
internal static class ReplyValues
{
    /// <summary>
    /// The value's MessagePack: a bulk string's bytes, or, for a stream command called plainly (a RESP array of
    /// MessagePack items), those items as one MessagePack array, so it reads as <c>T[]</c>, <c>List&lt;T&gt;</c> or an F# list.
    /// </summary>
    public static ReadOnlyMemory<byte> Of(RespReply reply)
    {
        if (reply.Kind != RespReplyKind.Array || reply.Items.Any(item => item.Kind != RespReplyKind.BulkString))
        {
            return TinoClient.RequireBulk(reply).Bytes;
        }
        var array = new ArrayBufferWriter<byte>(5 + reply.Items.Sum(item => item.Bytes.Length));
        var writer = new MessagePackWriter(array);
        writer.WriteArrayHeader(reply.Items.Count);
        writer.Flush();
        foreach (var item in reply.Items)
        {
            array.Write(item.Bytes.Span);
        }
        return array.WrittenMemory;
    }
}

internal interface IResultDecoder<T>
{
    T Decode(RespReply reply, MessagePackSerializerOptions options);

    T DecodeError(TinoRemoteException error, MessagePackSerializerOptions options);
}

/// <summary>F#'s <c>Result</c>, known by name: Tino.Core does not reference FSharp.Core.</summary>
internal static class FSharpResults
{
    public static bool IsResult(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition().FullName == "Microsoft.FSharp.Core.FSharpResult`2";
}

/// <summary>Makes <c>Ok</c> and <c>Error</c> through the union's own <c>NewOk</c> and <c>NewError</c>, bound once.</summary>
internal sealed class FSharpResultDecoder<TResult, TOk, TError> : IResultDecoder<TResult>
{
    private readonly Func<TOk, TResult> _ok = Case<TOk>("NewOk");
    private readonly Func<TError, TResult> _error = Case<TError>("NewError");

    public TResult Decode(RespReply reply, MessagePackSerializerOptions options) =>
        _ok(MessagePackSerializer.Deserialize<TOk>(ReplyValues.Of(reply), options));

    /// <summary>An error that carries a typed value is the <c>Error</c>; any other (a wrong argument, a lost auth) is thrown.</summary>
    public TResult DecodeError(TinoRemoteException error, MessagePackSerializerOptions options) =>
        error.ErrorValue.IsEmpty ? throw error : _error(MessagePackSerializer.Deserialize<TError>(error.ErrorValue, options));

    [UnconditionalSuppressMessage("Trimming", "IL2090", Justification = "F# Result types: the F# front, which does not run under Native AOT.")]
    private static Func<TValue, TResult> Case<TValue>(string name) =>
        typeof(TResult).GetMethod(name, BindingFlags.Public | BindingFlags.Static, [typeof(TValue)])!.CreateDelegate<Func<TValue, TResult>>();
}
