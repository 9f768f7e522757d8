using System.Buffers;
using System.Text;
using Tino.Pipeline;
using Tino.Protocol;

namespace Tino.Hosting.Commands;

/// <summary>
/// The built-ins every Redis client expects (PROTOCOL.md section 4): PING, ECHO, QUIT, AUTH, HELLO, CLIENT, SELECT,
/// CONFIG, INFO; and TINO.SCHEMA. The connection has checked each one's arity before it runs.
/// </summary>
internal static class ConnectionCommands
{
    /// <summary>PING [message]; in the subscribed state Redis replies <c>["pong", message]</c>.</summary>
    public static ValueTask Ping(Session session, RespArguments args)
    {
        var output = session.Output;
        if (args.Count > 1)
        {
            session.WriteWrongArgumentCount("ping");
        }
        else if (session.IsSubscribed)
        {
            RespWriter.WriteArrayHeader(output, 2);
            RespWriter.WriteBulkString(output, "pong"u8);
            RespWriter.WriteBulkString(output, args.Count == 1 ? args[0] : ReadOnlySequence<byte>.Empty);
        }
        else if (args.Count == 0)
        {
            RespWriter.WriteSimpleString(output, "PONG"u8);
        }
        else
        {
            RespWriter.WriteBulkString(output, args[0]);
        }
        return default;
    }

    public static ValueTask Echo(Session session, RespArguments args)
    {
        RespWriter.WriteBulkString(session.Output, args[0]);
        return default;
    }

    public static ValueTask Quit(Session session, RespArguments args)
    {
        RespWriter.WriteOk(session.Output);
        session.CloseAfterReplies = true;
        return default;
    }

    /// <summary>AUTH [username] password.</summary>
    public static ValueTask Auth(Session session, RespArguments args)
    {
        if (args.Count > 2)
        {
            session.WriteWrongArgumentCount("auth");
            return default;
        }
        return AuthenticateAsync(session, args, userIndex: args.Count == 2 ? 0 : -1, passwordIndex: args.Count - 1, helloAfter: false);
    }

    /// <summary>HELLO [protover [AUTH username password] [SETNAME name]]: Tino speaks RESP2 only.</summary>
    public static ValueTask Hello(Session session, RespArguments args)
    {
        var output = session.Output;
        if (args.Count > 0)
        {
            if (!args.TryGetInteger(0, out var version))
            {
                RespWriter.WriteRawError(output, "ERR Protocol version is not an integer or out of range"u8);
                return default;
            }
            if (version != 2)
            {
                RespWriter.WriteRawError(output, "NOPROTO unsupported protocol version"u8);
                return default;
            }
        }
        var authUser = -1;
        for (var i = 1; i < args.Count; i++)
        {
            if (args.Is(i, "AUTH"u8) && i + 2 < args.Count)
            {
                authUser = i + 1;
                i += 2;
            }
            else if (args.Is(i, "SETNAME"u8) && i + 1 < args.Count)
            {
                session.Context.ClientName = args.GetText(++i);
            }
            else
            {
                RespWriter.WriteError(output, "ERR", $"Syntax error in HELLO option '{args.GetText(i)}'");
                return default;
            }
        }
        if (authUser > 0)
        {
            return AuthenticateAsync(session, args, authUser, authUser + 1, helloAfter: true);
        }
        WriteHelloReply(session);
        return default;
    }

    /// <summary>CLIENT SETNAME, SETINFO, GETNAME and ID.</summary>
    public static ValueTask Client(Session session, RespArguments args)
    {
        var output = session.Output;
        if (args.Is(0, "SETNAME"u8) && args.Count == 2)
        {
            session.Context.ClientName = args.GetText(1);
            RespWriter.WriteOk(output);
        }
        else if (args.Is(0, "SETINFO"u8) && args.Count == 3)
        {
            RespWriter.WriteOk(output);
        }
        else if (args.Is(0, "ID"u8) && args.Count == 1)
        {
            RespWriter.WriteInteger(output, session.Id);
        }
        else if (args.Is(0, "GETNAME"u8) && args.Count == 1)
        {
            if (session.Context.ClientName is { } name)
            {
                RespWriter.WriteBulkString(output, Encoding.UTF8.GetBytes(name));
            }
            else
            {
                RespWriter.WriteNullBulkString(output);
            }
        }
        else
        {
            session.WriteUnknownSubcommand("CLIENT", args);
        }
        return default;
    }

    /// <summary>SELECT index: database 0 only.</summary>
    public static ValueTask Select(Session session, RespArguments args)
    {
        if (!args.TryGetInteger(0, out var index))
        {
            RespWriter.WriteRawError(session.Output, "ERR value is not an integer or out of range"u8);
        }
        else if (index != 0)
        {
            RespWriter.WriteRawError(session.Output, "ERR DB index is out of range"u8);
        }
        else
        {
            RespWriter.WriteOk(session.Output);
        }
        return default;
    }

    /// <summary>CONFIG GET replies an empty list, as to a client probing for settings it need not change.</summary>
    public static ValueTask Config(Session session, RespArguments args)
    {
        if (args.Count >= 2 && args.Is(0, "GET"u8))
        {
            RespWriter.WriteArrayHeader(session.Output, 0);
        }
        else
        {
            session.WriteUnknownSubcommand("CONFIG", args);
        }
        return default;
    }

    public static ValueTask Info(Session session, RespArguments args)
    {
        RespWriter.WriteBulkString(session.Output, session.Server.Info(args.Count == 0 ? "default" : args.GetText(0)));
        return default;
    }

    public static ValueTask Schema(Session session, RespArguments args)
    {
        RespWriter.WriteBulkString(session.Output, AppSchema.Of(session.App));
        return default;
    }

    /// <summary>TINO.CANCEL &lt;id&gt;, in its turn: whether the cancel took effect, now or when it was read ahead of its turn.</summary>
    public static ValueTask Cancel(Session session, RespArguments args)
    {
        RespWriter.WriteInteger(session.Output, session.Context.Calls.Cancel(args.GetText(0)) ? 1 : 0);
        return default;
    }

    /// <summary>TINO.HEALTH: <c>+READY</c>, or <c>-NOT_READY "reason"</c>, for load balancers and readiness probes.</summary>
    public static ValueTask Health(Session session, RespArguments args)
    {
        var readiness = session.Server.CheckReadinessAsync(session.Context.Closed);
        if (readiness.IsCompletedSuccessfully)
        {
            WriteReadiness(session, readiness.Result);
            return default;
        }
        return WriteReadinessAsync(session, readiness);
    }

    private static async ValueTask WriteReadinessAsync(Session session, ValueTask<TinoReadiness> readiness) =>
        WriteReadiness(session, await readiness.ConfigureAwait(false));

    private static void WriteReadiness(Session session, TinoReadiness readiness)
    {
        if (readiness.IsReady)
        {
            RespWriter.WriteSimpleString(session.Output, "READY"u8);
        }
        else
        {
            RespWriter.WriteError(session.Output, ErrorCodes.NotReady, TinoException.JsonQuote(readiness.Reason ?? "not ready"));
        }
    }

    private static async ValueTask AuthenticateAsync(Session session, RespArguments args, int userIndex, int passwordIndex, bool helloAfter)
    {
        var auth = session.App.App.Auth;
        object? value = null;
        var refusal = auth is null ? CommandError.NoAuthFunctionDetail
            : userIndex < 0 ? CommandError.InvalidPasswordDetail
            : CommandError.InvalidUserPasswordDetail;
        if (auth is not null)
        {
            // Copied: the function may await, and the slices die with this read.
            var credentials = new AuthCredentials(userIndex < 0 ? null : args.GetText(userIndex), args[passwordIndex].ToArray());
            try
            {
                value = await auth.Authenticate(credentials, session.Context.Closed).ConfigureAwait(false);
            }
            catch (Exception error)
            {
                PipelineLog.UnexpectedError(session.Logger, "AUTH", "auth", error);
                refusal = CommandError.AuthFunctionFailedDetail;
            }
        }
        if (value is null)
        {
            RespWriter.WriteError(session.Output, ErrorCodes.PermissionDenied, refusal);
            ServerLog.AuthFailed(session.Logger, session.Id);
            session.CloseAfterReplies = true;
            return;
        }
        session.Context.AuthValue = value;
        if (helloAfter)
        {
            WriteHelloReply(session);
        }
        else
        {
            RespWriter.WriteOk(session.Output);
        }
    }

    private static void WriteHelloReply(Session session)
    {
        var output = session.Output;
        RespWriter.WriteArrayHeader(output, 14);
        RespWriter.WriteBulkString(output, "server"u8);
        RespWriter.WriteBulkString(output, "tino"u8);
        RespWriter.WriteBulkString(output, "version"u8);
        RespWriter.WriteBulkString(output, TinoServer.VersionBytes);
        RespWriter.WriteBulkString(output, "proto"u8);
        RespWriter.WriteInteger(output, 2);
        RespWriter.WriteBulkString(output, "id"u8);
        RespWriter.WriteInteger(output, session.Id);
        RespWriter.WriteBulkString(output, "mode"u8);
        RespWriter.WriteBulkString(output, "standalone"u8);
        RespWriter.WriteBulkString(output, "role"u8);
        RespWriter.WriteBulkString(output, "master"u8);
        RespWriter.WriteBulkString(output, "modules"u8);
        RespWriter.WriteArrayHeader(output, 0);
    }
}
