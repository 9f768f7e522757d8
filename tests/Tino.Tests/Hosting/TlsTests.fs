module Tino.Tests.Hosting.TlsTests

open System
open System.IO
open System.Net
open System.Net.Security
open System.Threading
open System.Security.Cryptography
open System.Security.Cryptography.X509Certificates
open Expecto
open StackExchange.Redis
open Tino
open Tino.Client
open Tino.Hosting
open Tino.Tests.Hosting.TestServer
open Tino.Tests.Hosting.ServerTests
open Tino.Tests.Interop.RealClientTests
open Tino.Tests.Client.ClientTests

/// A self-signed certificate for 127.0.0.1 and localhost, written as PFX and PEM files the way an operator would have them.
let certificateFiles =
    lazy (
        use key = RSA.Create 2048
        let request = CertificateRequest("CN=tino-test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
        let names = SubjectAlternativeNameBuilder()
        names.AddIpAddress IPAddress.Loopback
        names.AddDnsName "localhost"
        request.CertificateExtensions.Add(names.Build())
        use certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays -1.0, DateTimeOffset.UtcNow.AddDays 30.0)
        let folder = Directory.CreateTempSubdirectory("tino-tls-").FullName
        let pfx = Path.Combine(folder, "server.pfx")
        File.WriteAllBytes(pfx, certificate.Export(X509ContentType.Pkcs12, "secret"))
        let crt = Path.Combine(folder, "server.crt")
        File.WriteAllText(crt, certificate.ExportCertificatePem())
        let pem = Path.Combine(folder, "server.key")
        File.WriteAllText(pem, key.ExportPkcs8PrivateKeyPem())
        pfx, crt, pem)

/// Runs `body` against a fresh server of the test app that serves TLS with `tls`.
let withTls (tls: TinoTlsOptions) (body: TinoServer -> unit) = withHostOptions (TinoHostOptions(Tls = tls)) (TestApp.create ()) body

let trustAnything = RemoteCertificateValidationCallback(fun _ _ _ _ -> true)

let tlsClientOptions = TinoClientOptions(Tls = SslClientAuthenticationOptions(RemoteCertificateValidationCallback = trustAnything))

[<Tests>]
let tls =
    testSequenced <| testList "TinoServer TLS" [
        test "the Tino client calls over rediss:// with a certificate from a PFX file" {
            let pfx, _, _ = certificateFiles.Force()
            withTls (TinoTlsOptions.FromPfxFile(pfx, "secret")) (fun server ->
                let client = TinoClient.ConnectAsync($"rediss://:tinaspassword@127.0.0.1:{portOf server}", tlsClientOptions).Result
                try
                    Expect.equal (await (call<int64> client "add" [ arg 1; arg 2 ])) 3L "add over TLS"
                    Expect.equal (await (call<string> client "whoami" [])) "tina" "AUTH over TLS"
                finally
                    client.DisposeAsync().AsTask().Wait())
        }
        test "redis-cli --tls calls a server whose certificate comes from PEM files" {
            let _, crt, key = certificateFiles.Force()
            withTls (TinoTlsOptions.FromPemFiles(crt, key)) (fun server ->
                let code, out, err = redisCli (portOf server) [ "--tls"; "--insecure"; "PING" ]
                Expect.equal (code, out.Trim()) (0, "PONG") $"redis-cli over TLS: {err}")
        }
        test "StackExchange.Redis with ssl=true connects and calls" {
            let pfx, _, _ = certificateFiles.Force()
            withTls (TinoTlsOptions.FromPfxFile(pfx, "secret")) (fun server ->
                let config = ConfigurationOptions.Parse($"127.0.0.1:{portOf server},ssl=true,abortConnect=true")
                config.add_CertificateValidation trustAnything
                use redis = ConnectionMultiplexer.Connect config
                Expect.equal (bytesOf (execute (redis.GetDatabase()) "ADD" [ [| 1uy |]; [| 2uy |] ])) [| 3uy |] "add over TLS")
        }
        test "a server that requires client certificates serves a client with the right one and refuses one without" {
            let pfx, _, _ = certificateFiles.Force()
            use key = RSA.Create 2048
            use clientCertificate =
                CertificateRequest("CN=tino-client", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
                    .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays -1.0, DateTimeOffset.UtcNow.AddDays 1.0)
            let thumbprint = clientCertificate.Thumbprint
            let tls =
                TinoTlsOptions.FromPfxFile(pfx, "secret")
                    .WithClientCertificates(RemoteCertificateValidationCallback(fun _ certificate _ _ ->
                        not (isNull certificate) && (nonNull certificate).GetCertHashString() = thumbprint))
            withTls tls (fun server ->
                let withCertificate =
                    TinoClientOptions(
                        Tls = SslClientAuthenticationOptions(
                            RemoteCertificateValidationCallback = trustAnything,
                            ClientCertificates = X509CertificateCollection [| clientCertificate :> X509Certificate |]))
                let client = TinoClient.ConnectAsync($"rediss://127.0.0.1:{portOf server}", withCertificate).Result
                try Expect.equal (await (call<int64> client "add" [ arg 1; arg 2 ])) 3L "served"
                finally client.DisposeAsync().AsTask().Wait()
                // TLS 1.3 finishes the client's side of the handshake before the server checks the certificate,
                // so the refusal shows at connect or at the first call.
                let refused =
                    task {
                        let! client = TinoClient.ConnectAsync($"rediss://127.0.0.1:{portOf server}", tlsClientOptions)
                        try return! client.CallAsync<int64>("add", CancellationToken.None, ReadOnlySpan [| arg 1; arg 2 |])
                        finally client.DisposeAsync().AsTask().Wait()
                    }
                Throws.Of<TinoConnectionException>(refused) |> ignore)
        }
        test "a plaintext client on a TLS port is closed cleanly" {
            let pfx, _, _ = certificateFiles.Force()
            withTls (TinoTlsOptions.FromPfxFile(pfx, "secret")) (fun server ->
                use plain = connect server
                plain.Send(request "PING" [])
                Expect.isTrue (plain.IsClosedByServer()) "closed"
                Expect.equal plain.Unread 0 "without a reply")
        }
        test "a handshake timeout that cannot work is refused when the server is made" {
            let pfx, _, _ = certificateFiles.Force()
            let tls = TinoTlsOptions.FromPfxFile(pfx, "secret")
            let error = Expect.throwsC (fun () -> new TinoServer(TestApp.create (), TinoHostOptions(Tls = TinoTlsOptions(tls.Certificate, HandshakeTimeout = TimeSpan.Zero))) |> ignore) id
            Expect.isTrue (error :? ArgumentException) $"an ArgumentException, got {error}"
            Expect.stringStarts error.Message "TinoHostOptions: Tls.HandshakeTimeout must be positive" "the message names it"
        }
        test "a TLS client on a plain port is closed cleanly" {
            withServer (fun server ->
                Throws.Of<TinoConnectionException>(TinoClient.ConnectAsync($"rediss://127.0.0.1:{portOf server}", tlsClientOptions)) |> ignore
                use c = connect server
                Expect.equal (text (c.Call("PING"))) "PONG" "the server carries on")
        }
    ]
