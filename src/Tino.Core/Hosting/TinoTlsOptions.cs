using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Tino.Hosting;

/// <summary>TLS for a Tino server: its certificate, client certificates if wanted, TLS 1.2 and 1.3 only.</summary>
/// <example><code>
/// var options = new TinoHostOptions { Tls = TinoTlsOptions.FromPemFiles("server.crt", "server.key") };
/// </code></example>
public sealed record TinoTlsOptions
{
    /// <summary>Serves <paramref name="certificate"/>, which must carry its private key.</summary>
    public TinoTlsOptions(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        if (!certificate.HasPrivateKey)
        {
            throw new ArgumentException("The server certificate has no private key.", nameof(certificate));
        }
        Certificate = certificate;
    }

    /// <summary>The server's certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; init; }

    /// <summary>Whether clients must present a certificate.</summary>
    public bool ClientCertificateRequired { get; init; }

    /// <summary>Decides whether a client certificate is accepted; null accepts what the platform's chain check accepts.</summary>
    public RemoteCertificateValidationCallback? ClientCertificateValidation { get; init; }

    /// <summary>The TLS versions offered: 1.2 and 1.3; older ones cannot be turned on.</summary>
    public SslProtocols Protocols { get; init; } = SslProtocols.Tls12 | SslProtocols.Tls13;

    /// <summary>How long a client may take to finish the handshake.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>These options, requiring every client to present a certificate that <paramref name="validation"/> accepts.</summary>
    public TinoTlsOptions WithClientCertificates(RemoteCertificateValidationCallback validation) =>
        this with { ClientCertificateRequired = true, ClientCertificateValidation = validation };

    /// <summary>Loads the certificate and key from a PKCS#12 (.pfx) file.</summary>
    public static TinoTlsOptions FromPfxFile(string path, string? password = null) =>
        new(X509CertificateLoader.LoadPkcs12FromFile(path, password));

    /// <summary>Loads the certificate and its key from PEM files (the key may be in the certificate's file).</summary>
    public static TinoTlsOptions FromPemFiles(string certificatePath, string? keyPath = null)
    {
        using var pem = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
        // Re-imported so that SslStream can use the ephemeral key on every platform.
        return new(X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null));
    }

    /// <summary>Finds the certificate by thumbprint in a certificate store.</summary>
    public static TinoTlsOptions FromStore(string thumbprint, StoreName storeName = StoreName.My, StoreLocation storeLocation = StoreLocation.CurrentUser)
    {
        using var store = new X509Store(storeName, storeLocation);
        store.Open(OpenFlags.ReadOnly);
        var found = store.Certificates.Find(X509FindType.FindByThumbprint, thumbprint, validOnly: false);
        return found.Count > 0
            ? new TinoTlsOptions(found[0])
            : throw new ArgumentException($"No certificate with thumbprint {thumbprint} in {storeLocation}/{storeName}.", nameof(thumbprint));
    }

    internal SslServerAuthenticationOptions ToServerOptions() => new()
    {
        ServerCertificate = Certificate,
        ClientCertificateRequired = ClientCertificateRequired,
        RemoteCertificateValidationCallback = ClientCertificateValidation,
        EnabledSslProtocols = Protocols & (SslProtocols.Tls12 | SslProtocols.Tls13),
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
    };
}
