using System.Net;
using Tino.Protocol;

namespace Tino.Client;

public sealed partial class TinoClient
{
    private static async Task<TinoClient> ConnectAsync(EndPoint endPoint, string host, TinoClientOptions options, CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(endPoint, host, options, cancellationToken).ConfigureAwait(false);
        return new TinoClient(endPoint, host, options, connection);
    }

    /// <summary>Opens a connection and, when the options carry a password, authenticates it.</summary>
    private static async Task<ClientConnection> OpenAsync(EndPoint endPoint, string host, TinoClientOptions options, CancellationToken cancellationToken, Func<RespReply, bool>? pushes = null)
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

    private static (EndPoint EndPoint, TinoClientOptions Options) FromUri(Uri uri, TinoClientOptions options)
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

    /// <summary>Watches the connection and, when it is lost, makes it again with doubling waits.</summary>
    private async Task KeepConnectedAsync()
    {
        while (true)
        {
            await _connection.Closed.ConfigureAwait(false);
            if (_disposing.IsCancellationRequested || !_options.Reconnect)
            {
                StopReconnecting(new TinoConnectionException(_options.Reconnect ? "the client was disposed" : "the connection was lost"));
                return;
            }
            var delay = _options.ReconnectMinDelay;
            while (true)
            {
                try
                {
                    await Task.Delay(delay, _disposing.Token).ConfigureAwait(false);
                    var connection = await OpenAsync(_endPoint, _host, _options, _disposing.Token).ConfigureAwait(false);
                    if (_disposing.IsCancellationRequested)
                    {
                        connection.Close(new TinoConnectionException("the client was disposed"));
                        StopReconnecting(new TinoConnectionException("the client was disposed"));
                        return;
                    }
                    Reconnected(connection);
                    break;
                }
                catch (OperationCanceledException) when (_disposing.IsCancellationRequested)
                {
                    StopReconnecting(new TinoConnectionException("the client was disposed"));
                    return;
                }
                catch (TinoAuthenticationException refused)
                {
                    StopReconnecting(refused);
                    return; // Refused credentials will not get better by asking again.
                }
                catch (Exception)
                {
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.ReconnectMaxDelay.Ticks));
                }
            }
        }
    }
}
