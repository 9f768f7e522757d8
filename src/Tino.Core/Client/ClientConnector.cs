using System.Net;
using Tino.Protocol;

namespace Tino.Client;

/// <summary>How a client reaches a server: the end point a URI names, and a connection opened and authenticated.</summary>
internal static class ClientConnector
{
    /// <summary>Opens a connection and, when the options carry a password, authenticates it.</summary>
    public static async Task<ClientConnection> OpenAsync(EndPoint endPoint, string host, TinoClientOptions options, CancellationToken cancellationToken, Func<RespReply, bool>? pushes = null)
    {
        var connection = await ClientConnection.OpenAsync(endPoint, host, options, cancellationToken, pushes).ConfigureAwait(false);
        if (options.Password is null)
        {
            return connection;
        }
        var request = new System.Buffers.ArrayBufferWriter<byte>(64);
        var arguments = options.UserName is null ? 1 : 2;
        RespWriter.WriteArrayHeader(request, 1 + arguments);
        RespWriter.WriteBulkString(request, "AUTH"u8);
        if (options.UserName is not null)
        {
            RespWriter.WriteBulkString(request, System.Text.Encoding.UTF8.GetBytes(options.UserName));
        }
        RespWriter.WriteBulkString(request, System.Text.Encoding.UTF8.GetBytes(options.Password));
        var reply = new PendingReply<RespReply>(static (reply, _) => reply, Serialization.TinoMessagePack.DefaultOptions, cancellationToken);
        connection.Send(reply, request.WrittenSpan);
        try
        {
            await reply.Task.AsTask().WaitAsync(options.ConnectTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TinoPermissionException error)
        {
            connection.Close(error);
            throw new TinoAuthenticationException("the server refused the credentials", error.Detail);
        }
        catch
        {
            connection.Close(new TinoConnectionException("AUTH did not complete"));
            throw;
        }
        return connection;
    }

    /// <summary>The end point and options a <c>redis://</c>, <c>rediss://</c>, <c>tino://</c> or <c>tinos://</c> URI names; its credentials fill the options' when they have none.</summary>
    public static (EndPoint EndPoint, TinoClientOptions Options) FromUri(Uri uri, TinoClientOptions options)
    {
        var tls = uri.Scheme switch
        {
            "redis" or "tino" => false,
            "rediss" or "tinos" => true,
            _ => throw new ArgumentException($"'{uri.Scheme}' is not a Tino URI scheme: use redis:// or rediss://", nameof(uri)),
        };
        var port = uri.IsDefaultPort || uri.Port < 0 ? 6379 : uri.Port;
        EndPoint endPoint = IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address)
            ? new IPEndPoint(address, port)
            : new DnsEndPoint(uri.Host, port);
        if (uri.UserInfo.Length > 0 && options.Password is null)
        {
            var parts = uri.UserInfo.Split(':', 2);
            var (user, password) = parts.Length == 2 ? (parts[0], parts[1]) : (null, parts[0]);
            options = options with
            {
                UserName = string.IsNullOrEmpty(user) ? options.UserName : Uri.UnescapeDataString(user),
                Password = Uri.UnescapeDataString(password),
            };
        }
        return (endPoint, tls ? options with { UseTls = true } : options);
    }
}
