using System.Buffers;
using Tino.Protocol;

namespace Tino.Hosting;

internal sealed partial class Connection
{
    /// <summary>Answers a built-in, or INVALID_COMMAND for a name that is neither a built-in nor the app's.</summary>
    private bool RunBuiltinOrRefuse(in ReadOnlySequence<byte> name, out ValueTask pending)
    {
        if (TryRunSessionBuiltin(name, out pending, out var sessionMustAwait))
        {
            return sessionMustAwait;
        }
        if (!Builtin.Table.TryGet(name, out var builtin))
        {
            RespWriter.WriteError(_output, "INVALID_COMMAND"u8, RespArgumentsExtensions.Text(name));
            return false;
        }
        var args = _arguments;
        switch (builtin.Kind)
        {
            case BuiltinKind.Ping when args.Count == 0:
                RespWriter.WriteSimpleString(_output, "PONG"u8);
                break;
            case BuiltinKind.Ping or BuiltinKind.Echo when args.Count == 1:
                RespWriter.WriteBulkString(_output, args[0]);
                break;
            case BuiltinKind.Quit:
                RespWriter.WriteOk(_output);
                _closeAfterReplies = true;
                break;
            case BuiltinKind.Auth when args.Count is 1 or 2:
                pending = AuthenticateAsync(userIndex: args.Count == 2 ? 0 : -1, passwordIndex: args.Count - 1, helloAfter: false);
                return !pending.IsCompletedSuccessfully;
            case BuiltinKind.Hello:
                return Hello(out pending);
            case BuiltinKind.Client when args.Count >= 1:
                Client();
                break;
            case BuiltinKind.Select when args.Count == 1:
                Select();
                break;
            case BuiltinKind.Config when args.Count >= 2 && args.Is(0, "GET"u8):
                RespWriter.WriteArrayHeader(_output, 0);
                break;
            case BuiltinKind.Config when args.Count >= 1:
                UnknownSubcommand("CONFIG");
                break;
            case BuiltinKind.Info:
                RespWriter.WriteBulkString(_output, _server.Info(args.Count == 0 ? "default" : args.GetText(0)));
                break;
            case BuiltinKind.Command:
                Command();
                break;
            case BuiltinKind.TinoSchema when args.Count == 0:
                RespWriter.WriteBulkString(_output, AppSchema.Of(_app));
                break;
            case BuiltinKind.TinoJson when args.Count >= 1:
                return CallWithJson(out pending);
            case BuiltinKind.TinoCodec when args.Count == 1:
                SwitchCodec();
                break;
            default:
                WrongArgumentCount(builtin.Name);
                break;
        }
        return false;
    }

    private async ValueTask AuthenticateAsync(int userIndex, int passwordIndex, bool helloAfter)
    {
        var auth = _app.App.Auth;
        object? value = null;
        var refusal = auth is null ? CommandError.NoAuthFunctionDetail
            : userIndex < 0 ? CommandError.InvalidPasswordDetail
            : CommandError.InvalidUserPasswordDetail;
        if (auth is not null)
        {
            // Copied: the function may await, and the slices die with this read.
            var credentials = new AuthCredentials(
                userIndex < 0 ? null : _arguments.GetText(userIndex),
                _arguments[passwordIndex].ToArray());
            try
            {
                value = await auth.Authenticate(credentials, Context.Closed).ConfigureAwait(false);
            }
            catch (Exception error)
            {
                PipelineLog.UnexpectedError(_logger, "AUTH", "auth", error);
                refusal = CommandError.AuthFunctionFailedDetail;
            }
        }
        if (value is null)
        {
            RespWriter.WriteError(_output, "PERMISSION_DENIED"u8, refusal);
            ServerLog.AuthFailed(_logger, Id);
            _closeAfterReplies = true;
            return;
        }
        Context.AuthValue = value;
        if (helloAfter)
        {
            WriteHelloReply();
        }
        else
        {
            RespWriter.WriteOk(_output);
        }
    }

    /// <summary>HELLO [protover [AUTH username password] [SETNAME name]]: Tino speaks RESP2 only.</summary>
    private bool Hello(out ValueTask pending)
    {
        pending = default;
        var args = _arguments;
        if (args.Count > 0)
        {
            if (!args.TryGetInteger(0, out var version))
            {
                RespWriter.WriteRawError(_output, "ERR Protocol version is not an integer or out of range"u8);
                return false;
            }
            if (version != 2)
            {
                RespWriter.WriteRawError(_output, "NOPROTO unsupported protocol version"u8);
                return false;
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
                Context.ClientName = args.GetText(++i);
            }
            else
            {
                RespWriter.WriteError(_output, "ERR"u8, $"Syntax error in HELLO option '{args.GetText(i)}'");
                return false;
            }
        }
        if (authUser > 0)
        {
            pending = AuthenticateAsync(authUser, authUser + 1, helloAfter: true);
            return !pending.IsCompletedSuccessfully;
        }
        WriteHelloReply();
        return false;
    }

    private void WriteHelloReply()
    {
        RespWriter.WriteArrayHeader(_output, 14);
        RespWriter.WriteBulkString(_output, "server"u8);
        RespWriter.WriteBulkString(_output, "tino"u8);
        RespWriter.WriteBulkString(_output, "version"u8);
        RespWriter.WriteBulkString(_output, TinoServer.VersionBytes);
        RespWriter.WriteBulkString(_output, "proto"u8);
        RespWriter.WriteInteger(_output, 2);
        RespWriter.WriteBulkString(_output, "id"u8);
        RespWriter.WriteInteger(_output, Id);
        RespWriter.WriteBulkString(_output, "mode"u8);
        RespWriter.WriteBulkString(_output, "standalone"u8);
        RespWriter.WriteBulkString(_output, "role"u8);
        RespWriter.WriteBulkString(_output, "master"u8);
        RespWriter.WriteBulkString(_output, "modules"u8);
        RespWriter.WriteArrayHeader(_output, 0);
    }

    private void Client()
    {
        var args = _arguments;
        if (args.Is(0, "SETNAME"u8) && args.Count == 2)
        {
            Context.ClientName = args.GetText(1);
            RespWriter.WriteOk(_output);
        }
        else if (args.Is(0, "SETINFO"u8) && args.Count == 3)
        {
            RespWriter.WriteOk(_output);
        }
        else if (args.Is(0, "ID"u8) && args.Count == 1)
        {
            RespWriter.WriteInteger(_output, Id);
        }
        else if (args.Is(0, "GETNAME"u8) && args.Count == 1)
        {
            if (Context.ClientName is { } name)
            {
                RespWriter.WriteBulkString(_output, System.Text.Encoding.UTF8.GetBytes(name));
            }
            else
            {
                RespWriter.WriteNullBulkString(_output);
            }
        }
        else
        {
            UnknownSubcommand("CLIENT");
        }
    }

    private void Select()
    {
        if (!_arguments.TryGetInteger(0, out var index))
        {
            RespWriter.WriteRawError(_output, "ERR value is not an integer or out of range"u8);
        }
        else if (index != 0)
        {
            RespWriter.WriteRawError(_output, "ERR DB index is out of range"u8);
        }
        else
        {
            RespWriter.WriteOk(_output);
        }
    }

    private void UnknownSubcommand(string command) =>
        RespWriter.WriteError(_output, "ERR"u8, $"unknown subcommand '{(_arguments.Count > 0 ? _arguments.GetText(0) : "")}'. Try {command} HELP.");

    private void WrongArgumentCount(string command) =>
        RespWriter.WriteError(_output, "ERR"u8, $"wrong number of arguments for '{command}' command");
}
